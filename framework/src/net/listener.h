// Listener: a listening TCP socket that accepts connections and gives each a Protocol from a factory, or hands
// them to another loop (a handoff function: the accepting half of the fallback for systems without SO_REUSEPORT).
//
// Lifetime: owned by a server (App, WsServer). close() stops accepting at once; the uv handle lives on the heap
// and is freed in its close callback, so the Listener object may be destroyed right after close().
// Threads: loop thread only.
#pragma once

#include "net/socket.h"

#include <functional>
#include <memory>
#include <string>

namespace duplex::detail {

class LoopCore;

class Listener {
public:
    using Factory = std::function<std::shared_ptr<Protocol>(Socket&)>;
    // Offered each accepted connection's descriptor first; returns true when it took a duplicate of it elsewhere
    // (the connection is then closed here), false to serve it on this loop.
    using Handoff = std::function<bool(uv_os_sock_t fd)>;

    // filtered: every Protocol the factory makes is a SocketFilter (TLS), started with Socket::start_filtered.
    Listener(LoopCore& core, Factory factory, bool filtered = false);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds host:port (numeric IPv4/IPv6 or a name resolved once, synchronously, here) and listens.
    // Returns 0 or a libuv error code (UV_EADDRINUSE, ...; UV_ENOTSUP when reuse_port is refused). Port 0 picks a
    // free port: see port().
    int listen(const std::string& host, int port, int backlog = 511, bool reuse_port = false);
    void set_handoff(Handoff handoff) { handoff_ = std::move(handoff); }
    int port() const { return port_; }
    // Serves a connection accepted on another loop (fd: a connected TCP socket, now owned here) on this
    // listener's loop, as if it had accepted it (a listener that never listens can serve only these).
    void adopt(uv_os_sock_t fd);
    bool listening() const { return handle_ != nullptr; }
    void close();

private:
    static void on_connection(uv_stream_t* server, int status);
    // Gives an accepted socket its protocol and starts reading (closes it when the factory refuses).
    void serve(Socket* s);

    LoopCore& core_;
    Factory factory_;
    bool filtered_;
    Handoff handoff_;
    uv_tcp_t* handle_ = nullptr;
    int port_ = 0;
    std::uint64_t last_error_log_ = 0;
};

// Resolves host:port into addr (numeric first, then getaddrinfo). Returns 0 or a libuv error.
int resolve_address(uv_loop_t* loop, const std::string& host, int port, sockaddr_storage& addr);

}  // namespace duplex::detail
