// raw_server: the one-core ceiling of bench/run. Ready-made answers to HTTP GETs (a fixed JSON body, and the files of
// --static held in memory) on one port, a WebSocket frame echo on the other; nothing else. Same flags and ready lines as the demo so the runner treats it alike.
#include "server_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

namespace {

struct Flags {
    std::string host = "127.0.0.1";
    int http_port = 3000;
    int ws_port = 8080;
    std::string static_dir;
};

bool parse_flags(int argc, char** argv, Flags& flags) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--quiet") continue;  // accepted for symmetry with the demo: this server never logs requests
        if (i + 1 >= argc) return false;
        const std::string_view value = argv[++i];
        if (flag == "--host") {
            flags.host = value;
        } else if (flag == "--http-port" || flag == "--ws-port") {
            int& port = flag == "--http-port" ? flags.http_port : flags.ws_port;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
            if (ec != std::errc() || end != value.data() + value.size()) return false;
        } else if (flag == "--static") {
            flags.static_dir = value;
        } else {
            return false;
        }
    }
    return true;
}

int listen_on(const std::string& host, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4096) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    if (!parse_flags(argc, argv, flags)) {
        std::fprintf(stderr, "usage: raw_server [--host H] [--http-port P] [--ws-port Q] [--static DIR] [--quiet]\n");
        return 2;
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {  // as many connections as the hard limit allows
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    const int http_fd = listen_on(flags.host, flags.http_port);
    const int ws_fd = listen_on(flags.host, flags.ws_port);
    if (http_fd < 0 || ws_fd < 0) {
        std::fprintf(stderr, "raw_server: cannot listen: %s\n", std::strerror(errno));
        return 1;
    }
    std::printf("HTTP listening on http://%s:%d\n", flags.host.c_str(), flags.http_port);
    std::printf("WebSocket listening on ws://%s:%d\n", flags.host.c_str(), flags.ws_port);
    std::fflush(stdout);
    try {
        const raw::HttpReplies replies(flags.static_dir);
        raw::ServerLoop loop(http_fd, ws_fd, replies);
        loop.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "raw_server: %s\n", e.what());
        return 1;
    }
    ::close(http_fd);
    ::close(ws_fd);
    return 0;
}
