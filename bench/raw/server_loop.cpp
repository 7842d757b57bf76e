#include "server_loop.h"

#include "http_reply.h"
#include "ws_echo.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string_view>

namespace raw {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

constexpr int max_events = 512;
constexpr int max_iov = 64;
constexpr std::size_t more_threshold = 64 * 1024;

// The head's length when the first piece is an HTTP answer of at least more_threshold bytes not started yet; else 0.
// Such a head goes out first with MSG_MORE, then the body: the kernel joins them and spends about a fifth less time
// on a 1 MiB answer over loopback than on one writev of both (uWebSockets.js writes this way, and beat this server
// on http_1mib until it did too).
std::size_t large_answer_head(bool http, std::size_t out_sent, const iovec& first) {
    if (!http || out_sent != 0 || first.iov_len < more_threshold) return 0;
    const std::string_view start(static_cast<const char*>(first.iov_base), 4096);
    const std::size_t end = start.find("\r\n\r\n");
    return end == std::string_view::npos ? 0 : end + 4;
}

void watch(int epoll_fd, int fd, std::uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd, op, fd, &ev);
}

}  // namespace

ServerLoop::ServerLoop(int http_listener, int ws_listener, const HttpReplies& replies)
    : replies_(replies), http_listener_(http_listener), ws_listener_(ws_listener), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      read_buffer_(256 * 1024) {
    if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
    watch(epoll_fd_, http_listener_, EPOLLIN, EPOLL_CTL_ADD);
    watch(epoll_fd_, ws_listener_, EPOLLIN, EPOLL_CTL_ADD);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

ServerLoop::~ServerLoop() {
    for (std::size_t fd = 0; fd < conns_.size(); ++fd)
        if (conns_[fd]) ::close(static_cast<int>(fd));
    ::close(epoll_fd_);
}

void ServerLoop::run() {
    epoll_event events[max_events];
    while (!g_stop) {
        const int n = epoll_wait(epoll_fd_, events, max_events, 100);  // the timeout only bounds signal latency
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == http_listener_) {
                accept_all(fd, Kind::http);
                continue;
            }
            if (fd == ws_listener_) {
                accept_all(fd, Kind::ws_handshake);
                continue;
            }
            if (static_cast<std::size_t>(fd) >= conns_.size() || !conns_[fd]) continue;  // closed earlier this turn
            Conn& conn = *conns_[fd];
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(fd, conn);
            if ((events[i].events & EPOLLOUT) && conns_[fd]) flush(fd, conn);
        }
    }
}

void ServerLoop::accept_all(int listener, Kind kind) {
    for (;;) {
        const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN, or out of descriptors: the listener stays readable and we retry next turn
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (static_cast<std::size_t>(fd) >= conns_.size()) conns_.resize(static_cast<std::size_t>(fd) + 1);
        conns_[fd] = std::make_unique<Conn>();
        conns_[fd]->kind = kind;
        watch(epoll_fd_, fd, EPOLLIN, EPOLL_CTL_ADD);
    }
}

void ServerLoop::on_readable(int fd, Conn& conn) {
    const ssize_t n = ::recv(fd, read_buffer_.data(), read_buffer_.size(), 0);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        close_conn(fd);
        return;
    }
    const std::string_view data(read_buffer_.data(), static_cast<std::size_t>(n));
    std::size_t used = 0;
    bool ok;
    // Work straight from the shared read buffer; only an incomplete tail is copied into the connection.
    if (conn.in.empty()) {
        ok = process(conn, data, used);
        if (ok && used < data.size()) conn.in.assign(data.substr(used));
    } else {
        conn.in.append(data);
        ok = process(conn, conn.in, used);
        if (ok) conn.in.erase(0, used);
    }
    if (!ok) {
        close_conn(fd);
        return;
    }
    if (!conn.out.empty() || !conn.replies.empty()) flush(fd, conn);
}

// Returns false when the connection must close now.
bool ServerLoop::process(Conn& conn, std::string_view data, std::size_t& used) {
    used = 0;
    if (conn.kind == Kind::http) {
        used = replies_.answer(data, conn.replies);
        return true;
    }
    if (conn.kind == Kind::ws_handshake) {
        switch (answer_upgrade(data, conn.out, used)) {
        case UpgradeResult::need_more: return true;
        case UpgradeResult::rejected: return false;
        case UpgradeResult::upgraded:
            conn.kind = Kind::ws_open;
            conn.release_out = true;
            break;
        }
    }
    std::size_t frames = 0;
    const EchoResult result = echo_frames(data.substr(used), conn.out, frames);
    used += frames;
    if (result == EchoResult::protocol_error) return false;
    if (result == EchoResult::close) conn.closing = true;
    return true;
}

// What is left to send, as iovecs: the HTTP answers (views of ready-made responses, sent without a copy) or the
// WebSocket bytes; out_sent counts what already went of the first piece.
int ServerLoop::gather(const Conn& conn, iovec* iov) {
    const auto piece = [&](std::string_view s, std::size_t skip, int i) {
        iov[i].iov_base = const_cast<char*>(s.data() + skip);  // writev never writes through it
        iov[i].iov_len = s.size() - skip;
    };
    if (conn.kind != Kind::http) {
        if (conn.out_sent == conn.out.size()) return 0;
        piece(conn.out, conn.out_sent, 0);
        return 1;
    }
    int n = 0;
    for (std::size_t i = 0; i < conn.replies.size() && n < max_iov; ++i, ++n)
        piece(conn.replies[i], i ? 0 : conn.out_sent, n);
    return n;
}

void ServerLoop::consume(Conn& conn, std::size_t n) {
    if (conn.kind != Kind::http) {
        conn.out_sent += n;
        return;
    }
    std::size_t done = 0;  // whole answers sent
    n += conn.out_sent;
    while (done < conn.replies.size() && n >= conn.replies[done].size()) n -= conn.replies[done++].size();
    conn.replies.erase(conn.replies.begin(), conn.replies.begin() + static_cast<std::ptrdiff_t>(done));
    conn.out_sent = n;
}

void ServerLoop::flush(int fd, Conn& conn) {
    iovec iov[max_iov];
    for (int count; (count = gather(conn, iov)) > 0;) {
        const std::size_t head = large_answer_head(conn.kind == Kind::http, conn.out_sent, iov[0]);
        // SIGPIPE is ignored (constructor)
        const ssize_t n = head ? ::send(fd, iov[0].iov_base, head, MSG_MORE) : ::writev(fd, iov, count);
        if (n > 0) {
            consume(conn, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            set_want_write(fd, conn, true);
            return;
        }
        close_conn(fd);
        return;
    }
    if (conn.release_out) {
        std::string().swap(conn.out);
        conn.release_out = false;
    } else {
        conn.out.clear();
    }
    conn.out_sent = 0;
    set_want_write(fd, conn, false);
    if (conn.closing) close_conn(fd);
}

void ServerLoop::set_want_write(int fd, Conn& conn, bool on) {
    if (conn.want_write == on) return;
    conn.want_write = on;
    watch(epoll_fd_, fd, EPOLLIN | (on ? EPOLLOUT : 0u), EPOLL_CTL_MOD);
}

void ServerLoop::close_conn(int fd) {
    ::close(fd);
    conns_[fd].reset();
}

}  // namespace raw
