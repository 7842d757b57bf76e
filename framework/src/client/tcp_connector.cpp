#include "client/tcp_connector.h"

#include "loop/loop_core.h"
#include "net/socket.h"

#include <cstring>

namespace duplex::detail::client {

// One uv_getaddrinfo in flight; it owns the connector until its callback runs.
struct TcpConnector::Resolve {
    uv_getaddrinfo_t req{};
    std::shared_ptr<TcpConnector> owner;
};

TcpConnector::TcpConnector(LoopCore& core, Done done) : core_(core), done_(std::move(done)) {}

TcpConnector::~TcpConnector() {
    if (timer_ != 0) core_.clear_timer(timer_);
}

std::string TcpConnector::failure(const char* what, int status) const {
    return std::string(what) + " " + where_ + ": " + uv_strerror(status);
}

void TcpConnector::start(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
    where_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    if (timeout.count() > 0) {
        std::weak_ptr<TcpConnector> weak = weak_from_this();
        const std::string message = "Timed out connecting to " + where_ + " after " +
                                    std::to_string(timeout.count()) + " ms";
        timer_ = core_.set_timer(static_cast<std::uint64_t>(timeout.count()), 0, [weak, message] {
            auto self = weak.lock();
            if (!self) return;
            self->timer_ = 0;
            Done done = std::move(self->done_);
            self->cancel();
            if (done) done(nullptr, message);
        }, false);
    }
    sockaddr_storage literal{};
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&literal)) == 0 ||
        uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&literal)) == 0) {
        addresses_.push_back(literal);
        try_next();
        return;
    }
    auto* r = new Resolve{};
    r->owner = shared_from_this();
    r->req.data = r;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;  // both families: the server may listen on either
    hints.ai_socktype = SOCK_STREAM;
    const std::string service = std::to_string(port);
    int rc = uv_getaddrinfo(core_.uv(), &r->req, [](uv_getaddrinfo_t* req, int status, addrinfo* result) {
        auto* op = static_cast<Resolve*>(req->data);
        std::shared_ptr<TcpConnector> self = std::move(op->owner);
        delete op;
        self->resolving_ = nullptr;
        self->resolved(status, result);
        uv_freeaddrinfo(result);
    }, host.c_str(), service.c_str(), &hints);
    if (rc < 0) {
        delete r;
        finish(nullptr, failure("Cannot resolve", rc));
        return;
    }
    resolving_ = &r->req;
}

void TcpConnector::resolved(int status, const addrinfo* result) {
    if (!done_) return;  // cancelled meanwhile
    if (status < 0) {
        finish(nullptr, failure("Cannot resolve", status));
        return;
    }
    for (const addrinfo* a = result; a; a = a->ai_next) {
        if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
        sockaddr_storage ss{};
        std::memcpy(&ss, a->ai_addr, a->ai_addrlen);
        addresses_.push_back(ss);
    }
    if (addresses_.empty()) {
        finish(nullptr, failure("Cannot resolve", UV_EAI_NONAME));
        return;
    }
    try_next();
}

void TcpConnector::try_next() {
    while (next_ < addresses_.size()) {
        const sockaddr_storage& addr = addresses_[next_++];
        Socket* socket = Socket::create(core_);
        std::shared_ptr<TcpConnector> self = shared_from_this();
        const int rc = socket->connect(reinterpret_cast<const sockaddr*>(&addr),
                                       [self, socket](int status) { self->attempted(socket, status); });
        if (rc == 0) {
            attempt_ = socket;
            return;
        }
        socket->close(rc);
        last_error_ = rc;
    }
    finish(nullptr, failure("Cannot connect to", last_error_ != 0 ? last_error_ : UV_ECONNREFUSED));
}

void TcpConnector::attempted(Socket* socket, int status) {
    if (socket != attempt_ || !done_) return;
    attempt_ = nullptr;
    if (status < 0) {
        // The socket closes itself after this call; the next address gets a fresh one.
        last_error_ = status;
        try_next();
        return;
    }
    finish(socket, {});
}

void TcpConnector::finish(Socket* socket, const std::string& error) {
    if (timer_ != 0) core_.clear_timer(timer_);
    timer_ = 0;
    Done done = std::move(done_);
    done_ = nullptr;
    if (done) {
        done(socket, error);
    } else if (socket) {
        socket->close();
    }
}

void TcpConnector::cancel() {
    done_ = nullptr;
    if (timer_ != 0) core_.clear_timer(timer_);
    timer_ = 0;
    if (resolving_) uv_cancel(reinterpret_cast<uv_req_t*>(resolving_));  // else its callback finds done_ empty
    resolving_ = nullptr;
    if (attempt_) attempt_->close(UV_ECANCELED);  // the pending connect ends with UV_ECANCELED, unreported
    attempt_ = nullptr;
}

}  // namespace duplex::detail::client
