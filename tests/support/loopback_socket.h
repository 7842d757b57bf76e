// Raw loopback sockets for tests that need a listener or a free port on 127.0.0.1 outside any duplex loop (fake
// peers, busy ports, sockets driven by hand). Header-only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testing_support {

// A TCP socket bound to 127.0.0.1 on a port the kernel picks, listening with `backlog` (no listen when backlog is
// negative). Returns the descriptor, or -1 (closed) on any failure; `addr` holds the bound address.
inline int loopback_socket(sockaddr_in& addr, int backlog, int flags = SOCK_CLOEXEC) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | flags, 0);
    addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        (backlog < 0 || ::listen(fd, backlog) == 0) &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        return fd;
    if (fd >= 0) ::close(fd);
    return -1;
}

// A loopback port that was free a moment ago (bound, read, released): 0 when none could be had.
inline int free_loopback_port() {
    sockaddr_in addr{};
    const int fd = loopback_socket(addr, -1);
    if (fd < 0) return 0;
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace testing_support
