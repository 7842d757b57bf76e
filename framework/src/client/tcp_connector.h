// TcpConnector: the TCP half of a client connection. Resolves host:port (IP literals at once, names through
// uv_getaddrinfo, IPv4 and IPv6 alike), then connects to each address in turn until one accepts, the whole of it
// bounded by one timeout.
//
// Lifetime: shared_ptr, owned by its pending libuv request (name resolution or connect): holders of the handle
// keep a weak_ptr. `done` runs at most once; cancel() guarantees it never runs. Threads: loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <uv.h>

namespace duplex::detail {
class LoopCore;
class Socket;
}  // namespace duplex::detail

namespace duplex::detail::client {

class TcpConnector : public std::enable_shared_from_this<TcpConnector> {
public:
    // socket: connected, not reading, no protocol yet (the callee installs one or closes it); null on failure,
    // with `error` saying why.
    using Done = std::function<void(Socket* socket, const std::string& error)>;

    TcpConnector(LoopCore& core, Done done);
    ~TcpConnector();
    TcpConnector(const TcpConnector&) = delete;
    TcpConnector& operator=(const TcpConnector&) = delete;

    // `timeout` 0 means no limit. `done` may run before start() returns (an address refused at once).
    void start(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);
    // Stops everything under way (an attempted socket is closed); `done` will not run.
    void cancel();

private:
    struct Resolve;
    void resolved(int status, const addrinfo* result);
    void try_next();
    void attempted(Socket* socket, int status);
    void finish(Socket* socket, const std::string& error);
    std::string failure(const char* what, int status) const;

    LoopCore& core_;
    Done done_;
    std::string where_;  // "host:port", for error messages
    std::vector<sockaddr_storage> addresses_;
    std::size_t next_ = 0;
    int last_error_ = 0;
    Socket* attempt_ = nullptr;
    uv_getaddrinfo_t* resolving_ = nullptr;
    std::uint64_t timer_ = 0;
};

}  // namespace duplex::detail::client
