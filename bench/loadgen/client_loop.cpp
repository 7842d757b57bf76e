#include "client_loop.h"

#include "frame.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace loadgen {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

constexpr std::size_t read_buffer_size = 256 * 1024;
constexpr int max_events = 1024;
constexpr int max_wait_ms = 10;  // bounds how late a deadline or a signal is noticed

std::uint64_t event_key(const Conn& conn) { return (std::uint64_t{conn.generation} << 32) | conn.id; }

}  // namespace

bool interrupted() { return g_interrupted != 0; }

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

ClientLoop::ClientLoop(Target target, Handler& handler, unsigned source_addresses, std::uint64_t max_payload)
    : target_(std::move(target)), handler_(handler), source_addresses_(source_addresses), max_payload_(max_payload),
      read_buffer_(read_buffer_size), now_(Clock::now()) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
    if (target_.tls) tls_ = std::make_unique<TlsClient>();
}

ClientLoop::~ClientLoop() {
    for (auto& slot : slots_) {
        if (slot->ssl) TlsClient::release(slot->ssl);
        if (slot->fd >= 0) ::close(slot->fd);
    }
    ::close(epoll_fd_);
}

void ClientLoop::open_gradually(std::size_t total, std::size_t max_pending) {
    remaining_opens_ = total;
    max_pending_ = max_pending;
    end_turn();
}

void ClientLoop::open_one() {
    --remaining_opens_;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ++failed_;
        return;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (source_addresses_ > 0) {
        // Let connect() pick the port per 4-tuple instead of bind() reserving one per source address.
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl(0x7F000002u + static_cast<std::uint32_t>(attempts_ % source_addresses_));
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
            ::close(fd);
            ++failed_;
            return;
        }
    }
    int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&target_.address), sizeof target_.address);
    if (rc != 0 && errno != EINPROGRESS) {
        ::close(fd);
        ++failed_;
        return;
    }

    std::uint32_t id;
    if (!free_slots_.empty()) {
        id = free_slots_.back();
        free_slots_.pop_back();
    } else {
        id = static_cast<std::uint32_t>(slots_.size());
        slots_.push_back(std::make_unique<Conn>());
        slots_.back()->id = id;
    }
    Conn& conn = *slots_[id];
    conn.fd = fd;
    // TLS starts from the connect completion event (the socket is writable at once when connect() already succeeded).
    conn.state = rc == 0 && !tls_ ? ConnState::handshaking : ConnState::connecting;
    conn.fragmented = false;
    conn.in.clear();
    conn.message.clear();
    conn.out.clear();
    conn.out_sent = 0;
    conn.started = Clock::now();
    conn.keys = make_handshake_keys(attempts_++);
    append_upgrade_request(conn.out, target_.host, target_.path, conn.keys);
    ++pending_;
    ++live_;

    // Registered for writing until the request is out: that is also how a pending connect() reports completion.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = event_key(conn);
    conn.want_write = true;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) close_conn(conn, CloseKind::failed);
}

void ClientLoop::send(Conn& conn, std::uint8_t opcode, std::string_view payload) {
    append_masked_frame(conn.out, opcode, payload, next_mask());
    mark_dirty(conn);
}

void ClientLoop::start_close(Conn& conn, std::uint16_t code) {
    const char status[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    send(conn, op_close, std::string_view(status, 2));
    conn.state = ConnState::closing;
}

void ClientLoop::close_all(std::uint16_t code) {
    for (auto& slot : slots_)
        if (slot->state == ConnState::open) start_close(*slot, code);
}

std::uint32_t ClientLoop::next_mask() {
    // xorshift32: the masking key only has to vary between frames (RFC 6455 5.3), not to be secret on loopback.
    mask_rng_ ^= mask_rng_ << 13;
    mask_rng_ ^= mask_rng_ >> 17;
    mask_rng_ ^= mask_rng_ << 5;
    return mask_rng_;
}

void ClientLoop::run_until(Clock::time_point deadline, const std::function<bool()>& done) {
    epoll_event events[max_events];
    while (!interrupted()) {
        if (done && done()) return;
        now_ = Clock::now();
        if (now_ >= deadline) return;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now_).count();
        const int timeout = static_cast<int>(left < max_wait_ms ? left : max_wait_ms);
        const int n = epoll_wait(epoll_fd_, events, max_events, timeout);
        for (int i = 0; i < n; ++i) {
            const std::uint64_t key = events[i].data.u64;
            Conn& conn = *slots_[static_cast<std::uint32_t>(key)];
            if (conn.generation != static_cast<std::uint32_t>(key >> 32) || conn.state == ConnState::free) continue;
            handle_event(conn, events[i].events);
        }
        end_turn();
    }
}

void ClientLoop::handle_event(Conn& conn, std::uint32_t events) {
    if (conn.state == ConnState::connecting) {
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
            close_conn(conn, CloseKind::failed);
            return;
        }
        if (tls_) {
            start_tls(conn);
            return;
        }
        conn.state = ConnState::handshaking;
        flush(conn);
        return;
    }
    if (conn.state == ConnState::tls_handshaking) {
        continue_tls(conn);
        return;
    }
    const std::uint32_t generation = conn.generation;
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(conn);
    if ((events & EPOLLOUT) && conn.generation == generation && conn.state != ConnState::free) flush(conn);
}

void ClientLoop::start_tls(Conn& conn) {
    conn.ssl = tls_->attach(conn.fd);
    if (!conn.ssl) {
        close_conn(conn, CloseKind::failed);
        return;
    }
    conn.state = ConnState::tls_handshaking;
    continue_tls(conn);
}

void ClientLoop::continue_tls(Conn& conn) {
    switch (TlsClient::handshake(conn.ssl)) {
    case TlsClient::Step::wait_read: set_want_write(conn, false); return;
    case TlsClient::Step::wait_write: set_want_write(conn, true); return;
    case TlsClient::Step::failed: close_conn(conn, CloseKind::failed); return;
    case TlsClient::Step::done: break;
    }
    conn.state = ConnState::handshaking;
    flush(conn);  // the upgrade request, queued when the connection was opened
}

void ClientLoop::on_readable(Conn& conn) {
    if (conn.ssl) {
        read_tls(conn);
        return;
    }
    const ssize_t n = ::recv(conn.fd, read_buffer_.data(), read_buffer_.size(), 0);
    if (n > 0) {
        now_ = Clock::now();
        feed(conn, std::string_view(read_buffer_.data(), static_cast<std::size_t>(n)));
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close_broken(conn);
}

void ClientLoop::read_tls(Conn& conn) {
    // One record at least, and on while read-ahead left whole records in OpenSSL's buffer: epoll will not report them.
    const std::uint32_t generation = conn.generation;
    do {
        const ssize_t n = TlsClient::read(conn.ssl, read_buffer_.data(), read_buffer_.size());
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN) return;
            close_broken(conn);
            return;
        }
        now_ = Clock::now();
        feed(conn, std::string_view(read_buffer_.data(), static_cast<std::size_t>(n)));
    } while (conn.generation == generation && conn.ssl && TlsClient::has_pending(conn.ssl));
}

void ClientLoop::close_broken(Conn& conn) {
    const bool opened = conn.state == ConnState::open || conn.state == ConnState::closing;
    close_conn(conn, opened ? CloseKind::remote : CloseKind::failed);
}

// Inlined into both read paths: with two callers GCC would otherwise call it out of line from the plaintext one too.
[[gnu::always_inline]] inline void ClientLoop::feed(Conn& conn, std::string_view data) {
    if (conn.state == ConnState::handshaking) {
        conn.in.append(data);
        std::size_t head = 0;
        switch (check_upgrade_response(conn.in, conn.keys, head)) {
        case HandshakeResult::need_more: return;
        case HandshakeResult::rejected: close_conn(conn, CloseKind::failed); return;
        case HandshakeResult::accepted: break;
        }
        if (!become_open(conn)) return;
        const std::size_t used = consume_frames(conn, std::string_view(conn.in).substr(head));
        if (used != std::string_view::npos) conn.in.erase(0, head + used);
        return;
    }
    if (conn.in.empty()) {
        const std::size_t used = consume_frames(conn, data);
        if (used != std::string_view::npos && used < data.size()) conn.in.assign(data.substr(used));
        return;
    }
    conn.in.append(data);
    const std::size_t used = consume_frames(conn, conn.in);
    if (used != std::string_view::npos) conn.in.erase(0, used);
}

bool ClientLoop::become_open(Conn& conn) {
    conn.state = ConnState::open;
    --pending_;
    ++opened_;
    const std::uint32_t generation = conn.generation;
    handler_.on_open(conn);
    return conn.generation == generation && conn.state != ConnState::free;
}

// Returns how many bytes of data whole frames used, or npos when the connection was closed meanwhile.
std::size_t ClientLoop::consume_frames(Conn& conn, std::string_view data) {
    std::size_t pos = 0;
    while (pos < data.size()) {
        ServerFrame frame;
        const ParseResult result = parse_server_frame(data.substr(pos), max_payload_, frame);
        if (result == ParseResult::need_more) break;
        if (result == ParseResult::protocol_error) {
            close_conn(conn, CloseKind::failed);
            return std::string_view::npos;
        }
        pos += frame.size;
        if (!on_frame(conn, frame.fin, frame.opcode, frame.payload)) return std::string_view::npos;
    }
    return pos;
}

// Returns false when the connection is gone.
bool ClientLoop::on_frame(Conn& conn, bool fin, std::uint8_t opcode, std::string_view payload) {
    switch (opcode) {
    case op_ping:
        if (conn.state == ConnState::open) send(conn, op_pong, payload);
        return true;
    case op_pong: return true;
    case op_close:
        if (conn.state == ConnState::closing) {
            close_conn(conn, CloseKind::clean);
        } else {
            // Echo the status code back, as RFC 6455 5.5.1 asks, then let go of the socket.
            send(conn, op_close, payload.substr(0, payload.size() >= 2 ? 2 : 0));
            flush(conn);
            if (conn.state != ConnState::free) close_conn(conn, CloseKind::remote);
        }
        return false;
    case op_continuation:
        if (!conn.fragmented) break;
        conn.message.append(payload);
        if (!fin) return true;
        conn.fragmented = false;
        return deliver(conn, conn.message_opcode, conn.message);
    default:  // text or binary
        if (conn.fragmented) break;
        if (fin) return deliver(conn, opcode, payload);
        conn.fragmented = true;
        conn.message_opcode = opcode;
        conn.message.assign(payload);
        return true;
    }
    close_conn(conn, CloseKind::failed);
    return false;
}

bool ClientLoop::deliver(Conn& conn, std::uint8_t opcode, std::string_view payload) {
    if (conn.state != ConnState::open) return true;  // data still in flight after our close frame
    const std::uint32_t generation = conn.generation;
    handler_.on_message(conn, opcode, payload);
    return conn.generation == generation && conn.state != ConnState::free;
}

void ClientLoop::mark_dirty(Conn& conn) {
    if (conn.dirty) return;
    conn.dirty = true;
    dirty_.push_back(conn.id);
}

void ClientLoop::flush(Conn& conn) {
    // The connect completion event, or the end of the TLS handshake, flushes.
    if (conn.state == ConnState::connecting || conn.state == ConnState::tls_handshaking) return;
    while (conn.out_sent < conn.out.size()) {
        const char* data = conn.out.data() + conn.out_sent;
        const std::size_t size = conn.out.size() - conn.out_sent;
        const ssize_t n = conn.ssl ? TlsClient::write(conn.ssl, data, size) : ::send(conn.fd, data, size, MSG_NOSIGNAL);
        if (n > 0) {
            conn.out_sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            set_want_write(conn, true);
            return;
        }
        close_broken(conn);
        return;
    }
    conn.out.clear();
    conn.out_sent = 0;
    set_want_write(conn, false);
}

void ClientLoop::set_want_write(Conn& conn, bool on) {
    if (conn.want_write == on) return;
    conn.want_write = on;
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    ev.data.u64 = event_key(conn);
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &ev);
}

void ClientLoop::close_conn(Conn& conn, CloseKind kind) {
    if (conn.state == ConnState::connecting || conn.state == ConnState::tls_handshaking ||
        conn.state == ConnState::handshaking)
        --pending_;
    if (kind == CloseKind::failed) ++failed_;
    --live_;
    if (conn.ssl) {
        TlsClient::release(conn.ssl);  // no close_notify: the WebSocket close handshake already ended the session
        conn.ssl = nullptr;
    }
    ::close(conn.fd);  // also removes it from the epoll set
    conn.fd = -1;
    conn.state = ConnState::free;
    ++conn.generation;
    // Buffers are reset when the slot is reused, on a later turn: a caller up the stack may still be reading conn.in.
    released_slots_.push_back(conn.id);
    handler_.on_closed(conn, kind);
}

void ClientLoop::end_turn() {
    // Indexed: a close during a flush may run a handler that queues more frames on other connections.
    for (std::size_t i = 0; i < dirty_.size(); ++i) {
        Conn& conn = *slots_[dirty_[i]];
        conn.dirty = false;
        if (conn.state != ConnState::free) flush(conn);
    }
    dirty_.clear();
    free_slots_.insert(free_slots_.end(), released_slots_.begin(), released_slots_.end());
    released_slots_.clear();
    // One immediate failure ends this turn's opening, so a refused port cannot spin here.
    const std::size_t failed_before = failed_;
    while (remaining_opens_ > 0 && pending_ < max_pending_ && failed_ == failed_before) open_one();
}

}  // namespace loadgen
