#include "net/listener.h"

#include "duplex/log.h"

#include "loop/loop_core.h"

#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace duplex::detail {

int resolve_address(uv_loop_t* loop, const std::string& host, int port, sockaddr_storage& addr) {
    std::memset(&addr, 0, sizeof addr);
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) == 0) return 0;
    if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) == 0) return 0;
    uv_getaddrinfo_t req{};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = uv_getaddrinfo(loop, &req, nullptr, host.c_str(), nullptr, &hints);
    if (rc != 0) return rc;
    rc = UV_EAI_NONAME;
    for (addrinfo* ai = req.addrinfo; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
        if (ai->ai_family == AF_INET) reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(static_cast<uint16_t>(port));
        else reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(static_cast<uint16_t>(port));
        rc = 0;
        break;
    }
    uv_freeaddrinfo(req.addrinfo);
    return rc;
}

Listener::Listener(LoopCore& core, Factory factory, bool filtered)
    : core_(core), factory_(std::move(factory)), filtered_(filtered) {}

Listener::~Listener() { close(); }

int Listener::listen(const std::string& host, int port, int backlog, bool reuse_port) {
    if (handle_) return UV_EALREADY;
    sockaddr_storage addr;
    int rc = resolve_address(core_.uv(), host, port, addr);
    if (rc != 0) return rc;
    auto* h = new uv_tcp_t{};
    uv_tcp_init_ex(core_.uv(), h, addr.ss_family);
    h->data = this;
    if (reuse_port) {
        uv_os_fd_t fd;
        uv_fileno(reinterpret_cast<uv_handle_t*>(h), &fd);
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) rc = UV_ENOTSUP;
    }
    if (rc == 0) rc = uv_tcp_bind(h, reinterpret_cast<sockaddr*>(&addr), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(h), backlog, on_connection);
    if (rc != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* p) { delete reinterpret_cast<uv_tcp_t*>(p); });
        return rc;
    }
    sockaddr_storage bound{};
    int len = sizeof bound;
    uv_tcp_getsockname(h, reinterpret_cast<sockaddr*>(&bound), &len);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    handle_ = h;
    return 0;
}

void Listener::close() {
    if (!handle_) return;
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* p) { delete reinterpret_cast<uv_tcp_t*>(p); });
    handle_ = nullptr;
}

void Listener::on_connection(uv_stream_t* server, int status) {
    auto* self = static_cast<Listener*>(server->data);
    if (!self) return;
    if (status < 0) {
        // EMFILE and friends: libuv already sheds the pending connection; log at most once per second so a
        // flood cannot turn the log into the bottleneck.
        std::uint64_t now = uv_now(self->core_.uv());
        if (now - self->last_error_log_ >= 1000) {
            self->last_error_log_ = now;
            duplex::logf(duplex::LogLevel::warn, "duplex: accept failed: %s", uv_strerror(status));
        }
        return;
    }
    Socket* s = Socket::create(self->core_);
    if (uv_accept(server, reinterpret_cast<uv_stream_t*>(s->tcp())) != 0) {
        s->close();
        return;
    }
    if (self->handoff_) {
        uv_os_fd_t fd;
        bool taken = false;
        try {
            taken = uv_fileno(reinterpret_cast<uv_handle_t*>(s->tcp()), &fd) == 0 && self->handoff_(fd);
        } catch (...) {
        }
        if (taken) {  // a duplicate of the descriptor serves it elsewhere; this one only closes
            s->close();
            return;
        }
    }
    self->serve(s);
}

void Listener::adopt(uv_os_sock_t fd) {
    Socket* s = Socket::create(core_);
    if (uv_tcp_open(s->tcp(), fd) != 0) {
        ::close(fd);
        s->close();
        return;
    }
    serve(s);
}

void Listener::serve(Socket* s) {
    uv_tcp_nodelay(s->tcp(), 1);
    std::shared_ptr<Protocol> p;
    try {
        p = factory_(*s);
    } catch (...) {
        p = nullptr;
    }
    if (!p) {
        s->close();
        return;
    }
    if (filtered_) s->start_filtered(std::static_pointer_cast<SocketFilter>(std::move(p)));
    else s->start(std::move(p));
}

}  // namespace duplex::detail
