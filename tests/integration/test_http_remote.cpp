// req.remote_address(): the peer's "ip:port", formatted by the socket once per connection, checked against the
// address and port the client really used (a loopback source other than 127.0.0.1, and every connection of a
// keep-alive series).
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

using namespace testing_support;

namespace {

// A socket bound to `source` (port chosen by the kernel) and connected to 127.0.0.1:port; -1 on failure.
int connect_from(const char* source, int port, int& source_port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    socklen_t len = sizeof local;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        ::close(fd);
        return -1;
    }
    source_port = ntohs(local.sin_port);
    return fd;
}

}  // namespace

TEST_SUITE("http_remote") {
TEST_CASE("req.remote_address() is the peer's ip:port") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/who", [](duplex::Request& req, duplex::Response& res) { res.send(req.remote_address()); });
    });
    REQUIRE(server.http_port() > 0);
    for (const char* source : {"127.0.0.1", "127.0.0.7", "127.0.0.250"}) {
        CAPTURE(source);
        int source_port = 0;
        const int fd = connect_from(source, server.http_port(), source_port);
        REQUIRE(fd >= 0);
        RawClient client = RawClient::adopt(fd);
        const std::string expected = std::string(source) + ":" + std::to_string(source_port);
        for (int i = 0; i < 3; ++i) {  // the same on every request of the connection
            REQUIRE(client.send("GET /who HTTP/1.1\r\nHost: t\r\n\r\n"));
            auto r = client.read_response();
            REQUIRE(r);
            CHECK(r->status == 200);
            CHECK(r->body == expected);
        }
    }
    CHECK(server.stop());
}
}
