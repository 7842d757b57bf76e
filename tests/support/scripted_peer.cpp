#include "support/scripted_peer.h"

#include "support/loopback_socket.h"

#include "ws/accept_key.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

namespace testing_support {

ScriptedPeer::ScriptedPeer(Script script) {
    sockaddr_in a{};
    listen_fd_ = loopback_socket(a, 8);
    if (listen_fd_ < 0) return;  // port() stays 0: the test's REQUIRE on it reports the failure
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        RawClient conn = RawClient::adopt(fd);
        std::optional<std::string> request = conn.recv_until("\r\n\r\n", 5s);
        if (request) script(conn, *request);
    });
}

ScriptedPeer::~ScriptedPeer() {
    join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

void ScriptedPeer::join() {
    if (thread_.joinable()) thread_.join();
}

std::string ScriptedPeer::accept_for(const std::string& request) {
    std::string lower = request;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string name = "\r\nsec-websocket-key:";
    const std::size_t at = lower.find(name);
    if (at == std::string::npos) return {};
    std::size_t begin = at + name.size();
    while (begin < request.size() && request[begin] == ' ') ++begin;
    const std::size_t end = request.find("\r\n", begin);
    return duplex::detail::ws::accept_key(request.substr(begin, end - begin)).value_or("");
}

std::string ScriptedPeer::switching_protocols(const std::string& request, const std::string& extra_headers) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " + accept_for(request) + "\r\n" + extra_headers + "\r\n";
}

}  // namespace testing_support
