#include "net/socket.h"

#include "loop/loop_core.h"

#include <cstdio>

namespace duplex::detail {

namespace {
SocketFaults* g_faults = nullptr;
constexpr std::uint64_t write_progress_ms = 10000;  // an ending socket whose peer stops reading is dropped
}  // namespace

void set_socket_faults(SocketFaults* faults) { g_faults = faults; }

struct Socket::WriteOp {
    uv_write_t req{};
    std::string buf;
    bool in_flight = false;
};

Socket::Socket(LoopCore& core) : core_(core) {}
Socket::~Socket() = default;

Socket* Socket::create(LoopCore& core) {
    auto* s = new Socket(core);
    uv_tcp_init(core.uv(), &s->tcp_);
    s->tcp_.data = s;
    core.track(s);
    return s;
}

void Socket::start(std::shared_ptr<Protocol> protocol) {
    protocol_ = std::move(protocol);
    resume_reading();
}

void Socket::set_protocol(std::shared_ptr<Protocol> protocol) { protocol_ = std::move(protocol); }

void Socket::write(std::string_view bytes) {
    if (closing_ || ending_ || bytes.empty()) return;
    out_.append(bytes);
    commit();
}

void Socket::commit() {
    if (dirty_ || closing_) return;
    dirty_ = true;
    core_.mark_dirty(this);
}

std::size_t Socket::buffered_amount() const { return out_.size() + tcp_.write_queue_size; }

void Socket::flush() {
    dirty_ = false;
    if (closing_ || (op_ && op_->in_flight)) return;  // the write callback continues the flush
    if (out_.empty()) return;
    std::size_t written = 0;
    int fault = g_faults && g_faults->on_write ? g_faults->on_write(out_.size()) : 0;
    int n;
    if (fault < 0) {
        n = fault;
    } else {
        uv_buf_t b = uv_buf_init(out_.data(), static_cast<unsigned>(fault > 0 ? std::min<std::size_t>(fault, out_.size()) : out_.size()));
        n = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1);
    }
    if (n == UV_EAGAIN || n == UV_ENOSYS) n = 0;
    if (n < 0) {
        close(n);
        return;
    }
    written = static_cast<std::size_t>(n);
    if (written == out_.size()) {
        out_.clear();
        if (out_.capacity() > 64 * 1024) std::string().swap(out_);
        after_drain();
        return;
    }
    // The kernel is full: hand the rest to libuv in one request and keep collecting new bytes in out_.
    if (!op_) op_ = std::make_unique<WriteOp>();
    op_->req.data = this;
    op_->buf.swap(out_);
    out_.clear();
    uv_buf_t rest = uv_buf_init(op_->buf.data() + written, static_cast<unsigned>(op_->buf.size() - written));
    int rc = uv_write(&op_->req, reinterpret_cast<uv_stream_t*>(&tcp_), &rest, 1, on_written);
    if (rc < 0) {
        close(rc);
        return;
    }
    op_->in_flight = true;
    if (ending_) set_timeout(write_progress_ms);
    check_backlog();
}

void Socket::on_written(uv_write_t* req, int status) {
    auto* s = static_cast<Socket*>(req->data);
    s->op_->in_flight = false;
    if (s->closing_) return;
    if (status < 0) {
        s->close(status);
        return;
    }
    s->op_.reset();
    if (!s->out_.empty()) {
        s->flush();
        return;
    }
    s->after_drain();
}

void Socket::after_drain() {
    if (backlogged_) {
        backlogged_ = false;
        if (want_reading_) resume_reading();
    }
    if (ending_) {
        if (!shut_down_) shutdown_now();
        return;
    }
    if (protocol_) {
        auto keep = protocol_;
        keep->on_drain();
    }
}

void Socket::pause_reading() {
    want_reading_ = false;
    if (!reading_ || closing_) return;
    reading_ = false;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
}

void Socket::resume_reading() {
    want_reading_ = true;
    if (reading_ || closing_ || backlogged_) return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read) == 0) reading_ = true;
}

void Socket::check_backlog() {
    if (backlog_limit_ == 0 || backlogged_ || closing_ || buffered_amount() <= backlog_limit_) return;
    backlogged_ = true;
    if (reading_) {
        reading_ = false;
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    }
}

void Socket::on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    auto& core = static_cast<Socket*>(h->data)->core_;
    *buf = uv_buf_init(core.read_buffer(), static_cast<unsigned>(core.read_buffer_size()));
}

void Socket::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* s = static_cast<Socket*>(stream->data);
    if (s->closing_) return;
    if (g_faults && g_faults->on_read && nread > 0) {
        int fault = g_faults->on_read();
        if (fault < 0) nread = fault;
    }
    if (nread > 0) {
        if (s->ending_) return;  // lingering: the peer's bytes are read only to be discarded
        auto keep = s->protocol_;
        if (keep) keep->on_data(buf->base, static_cast<std::size_t>(nread));
        s->check_backlog();  // answers are only queued here; the flush comes at the end of the loop turn
        return;
    }
    if (nread == 0) return;
    if (nread == UV_EOF) {
        if (s->ending_) {
            if (s->shut_down_) s->close();
            else s->pause_reading();  // nothing more to read; the shutdown callback closes
            return;
        }
        auto keep = s->protocol_;
        if (keep) keep->on_eof();
        else s->close();
        return;
    }
    s->close(static_cast<int>(nread));
}

void Socket::end(std::uint64_t linger_ms) {
    if (closing_ || ending_) return;
    ending_ = true;
    linger_ms_ = linger_ms;
    set_timeout(write_progress_ms);
    if (op_ && op_->in_flight) return;  // on_written continues
    if (!out_.empty()) {
        flush();
        return;
    }
    shutdown_now();
}

void Socket::shutdown_now() {
    shut_down_ = true;
    auto* req = new uv_shutdown_t{};
    req->data = this;
    if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_), on_shutdown) < 0) {
        delete req;
        close();
    }
}

void Socket::on_shutdown(uv_shutdown_t* req, int status) {
    auto* s = static_cast<Socket*>(req->data);
    delete req;
    if (s->closing_) return;
    if (status < 0 || !s->reading_) {
        s->close(status < 0 ? status : 0);
        return;
    }
    s->set_timeout(s->linger_ms_);  // linger: wait for the peer's EOF, bounded
}

void Socket::close(int status) {
    if (closing_) return;
    closing_ = true;
    close_status_ = status;
    if (reading_) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
    core_.untrack(this);
    if (dirty_) core_.forget_dirty(this);
    dirty_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void Socket::on_close(uv_handle_t* h) {
    auto* s = static_cast<Socket*>(h->data);
    auto protocol = std::move(s->protocol_);
    if (protocol) protocol->on_closed(s->close_status_);
    delete s;
}

void Socket::set_timeout(std::uint64_t ms) { deadline_ = ms == 0 ? 0 : uv_now(core_.uv()) + ms; }

void Socket::expire() {
    if (closing_) return;
    if (ending_) {
        close(UV_ETIMEDOUT);
        return;
    }
    auto keep = protocol_;
    if (keep) keep->on_timeout();
    else close(UV_ETIMEDOUT);
}

int Socket::connect(const sockaddr* addr, std::function<void(int)> cb) {
    struct ConnectOp {
        uv_connect_t req{};
        std::function<void(int)> cb;
    };
    auto* op = new ConnectOp{};
    op->cb = std::move(cb);
    op->req.data = op;
    int rc = uv_tcp_connect(&op->req, &tcp_, addr, [](uv_connect_t* req, int status) {
        auto* op = static_cast<ConnectOp*>(req->data);
        auto* s = static_cast<Socket*>(req->handle->data);
        auto fn = std::move(op->cb);
        delete op;
        if (status == UV_ECANCELED) return;
        if (status == 0) uv_tcp_nodelay(&s->tcp_, 1);
        fn(status);
        if (status < 0) s->close(status);
    });
    if (rc < 0) delete op;
    return rc;
}

std::string Socket::peer_address() const {
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
    char ip[64] = {};
    int port = 0;
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
        return "[" + std::string(ip) + "]:" + std::to_string(port);
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof ip);
    port = ntohs(a->sin_port);
    return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace duplex::detail
