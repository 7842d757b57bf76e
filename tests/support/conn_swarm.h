// ConnSwarm: many client connections to one server, driven from the test's thread with poll() (no thread per
// connection), for stress tests with thousands of peers: open, send the same bytes on all, read until a
// marker or a byte count, wait for the server to close them, and leave politely (FIN) or abruptly (RST).
// Every call is bounded in time and returns how many connections reached the goal.
// Lifetime: owns its sockets; the destructor closes those still open. Threads: the test's.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace testing_support {

using namespace std::chrono_literals;

class ConnSwarm {
public:
    ConnSwarm() = default;
    ~ConnSwarm();
    ConnSwarm(const ConnSwarm&) = delete;
    ConnSwarm& operator=(const ConnSwarm&) = delete;

    // Adds n connections to 127.0.0.1:port. rcvbuf > 0 sets SO_RCVBUF before connecting (a small window
    // keeps a peer that never reads from parking megabytes in the kernel). Returns how many connected.
    std::size_t open(int port, std::size_t n, std::chrono::milliseconds bound = 10s, int rcvbuf = 0);
    std::size_t size() const { return conns_.size(); }

    // Sends `bytes` on every open connection; returns how many sent all of it.
    std::size_t send_all(std::string_view bytes, std::chrono::milliseconds bound = 10s);
    // Reads until each connection's buffer contains `marker`; returns how many do.
    std::size_t read_until_all(std::string_view marker, std::chrono::milliseconds bound = 10s);
    // Reads until each connection has received at least n bytes in all (bytes are counted, not kept).
    std::size_t read_at_least_all(std::size_t n, std::chrono::milliseconds bound = 10s);
    // Reads (keeping the bytes) until each connection sees the server's EOF or reset; returns how many did.
    std::size_t wait_all_closed(std::chrono::milliseconds bound = 10s);

    // Bytes kept by read_until_all for connection i (the test may consume them).
    std::string& buffer(std::size_t i) { return conns_[i].in; }
    bool closed_by_peer(std::size_t i) const { return conns_[i].eof; }

    // Half-close: shut down the sending side of every connection (the server reads EOF, can still answer).
    void shutdown_write_all();
    // Abortive close (SO_LINGER 0: the server sees ECONNRESET) or orderly close of every connection.
    void reset_all();
    void close_all();

private:
    struct Conn {
        int fd = -1;
        std::string in;
        std::size_t received = 0;
        bool eof = false;
    };
    enum class Keep { Bytes, CountOnly };
    // Polls the connections for which `done` is false, reading into them, until all are done or the bound.
    template <class Done>
    std::size_t read_until(Done done, Keep keep, std::chrono::milliseconds bound);
    void drop(int linger_zero);

    std::vector<Conn> conns_;
};

// The server runs in this process, so its accepted sockets are ours to tune: sets SO_SNDBUF on every
// accepted (non-listening) TCP socket whose local port is `port`, and returns how many there are. Stress
// tests use it so that a peer that never reads fills the server's own buffers (the thing under test) after a
// few KiB, instead of first parking megabytes in the kernel (loopback's autotuned send buffers reach ~4 MiB
// each: a thousand peers would take gigabytes of the machine's kernel memory).
std::size_t shrink_accepted_send_buffers(int port, int bytes);

}  // namespace testing_support
