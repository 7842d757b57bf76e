#include "conn_swarm.h"

#include "support/poll_deadline.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testing_support {

namespace {

using Clock = std::chrono::steady_clock;

// Connections are started in batches: a burst bigger than the listen backlog would have SYNs dropped and
// retried a second later.
constexpr std::size_t connect_batch = 256;

}  // namespace

ConnSwarm::~ConnSwarm() { close_all(); }

std::size_t ConnSwarm::open(int port, std::size_t n, std::chrono::milliseconds bound, int rcvbuf) {
    auto deadline = Clock::now() + bound;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    std::size_t connected = 0;
    while (connected < n && Clock::now() < deadline) {
        std::vector<pollfd> pending;
        for (std::size_t i = 0; i < connect_batch && connected + pending.size() < n; ++i) {
            int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) break;
            if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
            if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
                ::close(fd);
                break;
            }
            pending.push_back(pollfd{fd, POLLOUT, 0});
        }
        if (pending.empty()) break;
        std::size_t left = pending.size();
        while (left > 0 && ::poll(pending.data(), pending.size(), remaining_ms(deadline)) > 0) {
            for (auto& p : pending) {
                if (p.fd < 0 || p.revents == 0) continue;
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err == 0) {
                    conns_.push_back(Conn{p.fd});
                    ++connected;
                } else {
                    ::close(p.fd);
                }
                p.fd = -1;  // poll ignores negative descriptors
                --left;
            }
        }
        for (auto& p : pending)
            if (p.fd >= 0) ::close(p.fd);
        if (left > 0) break;  // timed out
    }
    return connected;
}

std::size_t ConnSwarm::send_all(std::string_view bytes, std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    std::vector<std::size_t> sent(conns_.size(), 0);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < conns_.size(); ++i)
        if (conns_[i].fd >= 0) todo.push_back(i);
    std::size_t complete = 0;
    while (!todo.empty() && Clock::now() < deadline) {
        std::vector<pollfd> want;
        std::vector<std::size_t> next;
        for (std::size_t i : todo) {
            ssize_t n = ::send(conns_[i].fd, bytes.data() + sent[i], bytes.size() - sent[i], MSG_NOSIGNAL);
            if (n > 0) sent[i] += static_cast<std::size_t>(n);
            else if (n < 0 && errno != EAGAIN && errno != EINTR) continue;  // failed: not counted
            if (sent[i] == bytes.size()) {
                ++complete;
                continue;
            }
            want.push_back(pollfd{conns_[i].fd, POLLOUT, 0});
            next.push_back(i);
        }
        todo.swap(next);
        if (!want.empty()) ::poll(want.data(), want.size(), std::min(remaining_ms(deadline), 100));
    }
    return complete;
}

template <class Done>
std::size_t ConnSwarm::read_until(Done done, Keep keep, std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    char buf[65536];
    for (;;) {
        std::vector<pollfd> want;
        std::vector<std::size_t> index;
        std::size_t finished = 0;
        for (std::size_t i = 0; i < conns_.size(); ++i) {
            if (done(conns_[i])) ++finished;
            else if (conns_[i].fd >= 0 && !conns_[i].eof) {
                want.push_back(pollfd{conns_[i].fd, POLLIN, 0});
                index.push_back(i);
            }
        }
        if (want.empty() || Clock::now() >= deadline) return finished;
        if (::poll(want.data(), want.size(), remaining_ms(deadline)) <= 0) continue;
        for (std::size_t k = 0; k < want.size(); ++k) {
            if (want[k].revents == 0) continue;
            Conn& c = conns_[index[k]];
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c.received += static_cast<std::size_t>(n);
                if (keep == Keep::Bytes) c.in.append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                c.eof = true;
            }
        }
    }
}

std::size_t ConnSwarm::read_until_all(std::string_view marker, std::chrono::milliseconds bound) {
    return read_until([&](const Conn& c) { return c.in.find(marker) != std::string::npos; }, Keep::Bytes, bound);
}

std::size_t ConnSwarm::read_at_least_all(std::size_t n, std::chrono::milliseconds bound) {
    return read_until([&](const Conn& c) { return c.received >= n; }, Keep::CountOnly, bound);
}

std::size_t ConnSwarm::wait_all_closed(std::chrono::milliseconds bound) {
    return read_until([](const Conn& c) { return c.eof; }, Keep::Bytes, bound);
}

void ConnSwarm::drop(int linger_zero) {
    for (auto& c : conns_) {
        if (c.fd < 0) continue;
        if (linger_zero) {
            linger l{1, 0};
            setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        ::close(c.fd);
        c.fd = -1;
    }
    conns_.clear();
}

std::size_t shrink_accepted_send_buffers(int port, int bytes) {
    std::size_t found = 0;
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    int max_fd = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 1 << 16));
    for (int fd = 0; fd < max_fd; ++fd) {
        sockaddr_in local{};
        socklen_t len = sizeof local;
        int listening = 0;
        socklen_t ilen = sizeof listening;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || local.sin_family != AF_INET) continue;
        if (ntohs(local.sin_port) != port) continue;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen) != 0 || listening) continue;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
        ++found;
    }
    return found;
}

void ConnSwarm::shutdown_write_all() {
    for (auto& c : conns_)
        if (c.fd >= 0) ::shutdown(c.fd, SHUT_WR);
}

void ConnSwarm::reset_all() { drop(1); }
void ConnSwarm::close_all() { drop(0); }

}  // namespace testing_support
