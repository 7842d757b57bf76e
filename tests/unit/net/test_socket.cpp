// Socket on its own: the corked write queue (write() only queues, one flush per loop turn, buffered_amount,
// on_drain), a peer that reads nothing, deadlines (on_timeout at the tick's resolution, cleared by 0), the deadline
// sweep on a fake clock (SocketTable::sweep given the time: exact edges, no waiting), close() and end(). A real
// loopback TCP pair: the socket under test connects to a plain POSIX listener, whose accepted end the test reads and
// writes directly. Every wait is bounded.
#include <doctest/doctest.h>

#include "loop/loop_core.h"
#include "net/socket.h"
#include "net/socket_protocol.h"
#include "net/socket_table.h"

#include "../../support/loopback_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

using duplex::detail::LoopCore;
using duplex::detail::Protocol;
using duplex::detail::Socket;
using duplex::detail::SocketTable;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// What the socket reported.
struct Recorder final : Protocol {
    std::string data;
    int drains = 0, timeouts = 0, closes = 0, status = 1;
    bool eof = false;
    void on_data(char* p, std::size_t n) override { data.append(p, n); }
    void on_eof() override { eof = true; }
    void on_drain() override { ++drains; }
    std::function<void()> then_timeout;  // runs inside on_timeout (re-arming, as the WebSocket idle ping does)
    void on_timeout() override {
        ++timeouts;
        if (then_timeout) then_timeout();
    }
    void on_closed(int s) override {
        ++closes;
        status = s;
    }
};

// A connected pair: `socket` (under test, on `core`) and `peer` (a non-blocking POSIX descriptor).
struct Pair {
    LoopCore core;
    Socket* socket = nullptr;
    std::shared_ptr<Recorder> events = std::make_shared<Recorder>();
    int peer = -1;
    std::uint64_t heartbeat = 0;

    Pair() {
        // A heartbeat so that each loop turn ends within 5 ms even when nothing happens.
        heartbeat = core.set_timer(5, 5, [] {}, false);
        sockaddr_in addr{};
        const int listener = testing_support::loopback_socket(addr, 1);
        REQUIRE(listener >= 0);
        socket = Socket::create(core);
        int connected = 1;
        REQUIRE(socket->connect(reinterpret_cast<sockaddr*>(&addr), [&](int status) { connected = status; }) == 0);
        REQUIRE(run_until([&] { return connected != 1; }));
        REQUIRE(connected == 0);
        peer = ::accept(listener, nullptr, nullptr);
        ::close(listener);
        REQUIRE(peer >= 0);
        ::fcntl(peer, F_SETFL, ::fcntl(peer, F_GETFL) | O_NONBLOCK);
        socket->start(events);
    }
    ~Pair() {
        core.clear_timer(heartbeat);
        if (events->closes == 0) socket->close();
        if (peer >= 0) ::close(peer);
        // ~LoopCore runs the close callbacks.
    }

    void turn() { uv_run(core.uv(), UV_RUN_ONCE); }
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds bound = 5s) {
        const auto give_up = Clock::now() + bound;
        while (!done()) {
            if (Clock::now() > give_up) return false;
            turn();
        }
        return true;
    }
    // What the peer can read now, without waiting.
    std::string peer_reads() {
        std::string got;
        char buf[65536];
        for (;;) {
            const ssize_t n = ::recv(peer, buf, sizeof buf, 0);
            if (n <= 0) return got;
            got.append(buf, static_cast<std::size_t>(n));
        }
    }
    bool peer_sees_eof() {
        char c;
        return ::recv(peer, &c, 1, 0) == 0;
    }
};

}  // namespace

TEST_SUITE("net socket") {
TEST_CASE("write() only queues; the loop's one flush per turn hands it to the kernel, then on_drain") {
    Pair p;
    p.socket->write("hello");
    p.socket->write(", world");
    CHECK(p.socket->buffered_amount() == 12);
    CHECK(p.peer_reads().empty());  // nothing written before the turn ends
    p.turn();
    CHECK(p.socket->buffered_amount() == 0);
    CHECK(p.events->drains == 1);
    std::string got;
    CHECK(p.run_until([&] { return (got += p.peer_reads()).size() >= 12; }));
    CHECK(got == "hello, world");
    // output_buffer() + commit() is the in-place form of the same queue.
    p.socket->output_buffer() += "in place";
    p.socket->commit();
    CHECK(p.socket->buffered_amount() == 8);
    p.turn();
    got.clear();
    CHECK(p.run_until([&] { return (got += p.peer_reads()).size() >= 8; }));
    CHECK(got == "in place");
}

TEST_CASE("a peer that reads nothing: bytes stay queued and counted until it reads, then one drain") {
    Pair p;
    const std::size_t total = 32u << 20;  // far more than the kernel's buffers on both ends
    const std::string chunk(1 << 20, 'q');
    for (std::size_t i = 0; i < total / chunk.size(); ++i) p.socket->write(chunk);
    for (int i = 0; i < 5; ++i) p.turn();
    const std::size_t waiting = p.socket->buffered_amount();
    CHECK(waiting > 0);
    CHECK(waiting < total);
    CHECK(p.socket->unsent_bytes() >= waiting);  // plus what the kernel holds unacknowledged
    CHECK(p.events->drains == 0);
    std::size_t received = 0;
    CHECK(p.run_until([&] {
        received += p.peer_reads().size();
        return received == total && p.events->drains == 1;
    }, 20s));
    CHECK(received == total);
    CHECK(p.socket->buffered_amount() == 0);
    CHECK(p.events->drains == 1);
}

TEST_CASE("a deadline calls on_timeout once, at the tick's resolution; 0 clears it") {
    Pair p;
    const auto start = Clock::now();
    p.socket->set_timeout(150);
    CHECK(p.run_until([&] { return p.events->timeouts == 1; }));
    const auto took = Clock::now() - start;
    CHECK(took >= 150ms);
    CHECK(took < 150ms + 2 * std::chrono::milliseconds(SocketTable::tick_ms) + 1s);  // generous: a loaded machine
    const auto quiet = Clock::now() + 400ms;
    p.run_until([&] { return Clock::now() > quiet; });
    CHECK(p.events->timeouts == 1);  // once, not every tick

    p.socket->set_timeout(100);
    p.socket->set_timeout(0);
    const auto later = Clock::now() + 400ms;
    p.run_until([&] { return Clock::now() > later; });
    CHECK(p.events->timeouts == 1);
    CHECK(p.events->closes == 0);  // a deadline only reports; the protocol decides
}

TEST_CASE("close() discards what is queued and reports on_closed once, with the status given") {
    Pair p;
    p.socket->write("never sent");
    p.socket->close(UV_ECONNRESET);
    CHECK(p.socket->closing());
    CHECK(p.run_until([&] { return p.events->closes == 1; }));
    CHECK(p.events->status == UV_ECONNRESET);
    std::string got;
    bool eof = false;
    CHECK(p.run_until([&] {
        char buf[64];
        const ssize_t n = ::recv(p.peer, buf, sizeof buf, 0);
        if (n > 0) got.append(buf, static_cast<std::size_t>(n));
        eof = n == 0 || (n < 0 && errno != EAGAIN);
        return eof;
    }));
    CHECK(got.empty());
    p.turn();
    CHECK(p.events->closes == 1);
}

TEST_CASE("end() delivers what is queued, then the peer reads EOF, and the socket closes when the peer does") {
    Pair p;
    p.socket->write("last words");
    p.socket->end(2000, 2000);
    CHECK(p.socket->closing());
    std::string got;
    CHECK(p.run_until([&] {
        got += p.peer_reads();
        return got.size() >= 10;
    }));
    CHECK(got == "last words");
    CHECK(p.run_until([&] { return p.peer_sees_eof(); }));
    ::close(p.peer);
    p.peer = -1;
    CHECK(p.run_until([&] { return p.events->closes == 1; }));
    CHECK(p.events->status == 0);
}

TEST_CASE("the deadline sweep on a fake clock: expiry at the exact millisecond, once; reset, cleared, re-armed") {
    Pair p;
    SocketTable& table = SocketTable::of(p.core.uv());
    // No loop turn from here on: uv_now stays put, and the sweep runs only when the test says, at the time it says.
    const std::uint64_t t0 = uv_now(p.core.uv());
    p.socket->set_timeout(100);
    table.sweep(t0 + 99);
    CHECK(p.events->timeouts == 0);
    table.sweep(t0 + 100);
    CHECK(p.events->timeouts == 1);
    table.sweep(t0 + 100000);
    CHECK(p.events->timeouts == 1);  // a deadline fires once

    p.socket->set_timeout(50);
    p.socket->set_timeout(200);  // a later deadline replaces the earlier one
    table.sweep(t0 + 150);
    CHECK(p.events->timeouts == 1);
    table.sweep(t0 + 200);
    CHECK(p.events->timeouts == 2);

    p.socket->set_timeout(10);
    p.socket->set_timeout(0);  // cleared
    table.sweep(t0 + 1000000);
    CHECK(p.events->timeouts == 2);

    // Re-armed from inside on_timeout: the new deadline counts from t0 (uv_now did not move), so the same sweep
    // does not fire it again; the sweep at its own time does.
    int rearms = 0;
    p.events->then_timeout = [&] {
        if (rearms++ == 0) p.socket->set_timeout(300);
    };
    p.socket->set_timeout(100);
    table.sweep(t0 + 100);
    CHECK(p.events->timeouts == 3);
    table.sweep(t0 + 299);
    CHECK(p.events->timeouts == 3);
    table.sweep(t0 + 300);
    CHECK(p.events->timeouts == 4);
    CHECK(p.events->closes == 0);
}

TEST_CASE("fake clock: an ending socket whose peer reads nothing is dropped (ETIMEDOUT) at the progress bound") {
    Pair p;
    SocketTable& table = SocketTable::of(p.core.uv());
    // More than the kernel's buffers hold on both sides, so that a write stays in flight.
    p.socket->write(std::string(16 << 20, 'x'));
    // Let the kernel buffers fill: turns until the queued amount stops moving (bounded).
    std::size_t last = SIZE_MAX;
    for (int i = 0; i < 100 && p.socket->buffered_amount() != last; ++i) {
        last = p.socket->buffered_amount();
        const auto settle = Clock::now() + 20ms;
        p.run_until([&] { return Clock::now() > settle; });
    }
    REQUIRE(p.socket->buffered_amount() > 0);
    const std::uint64_t t0 = uv_now(p.core.uv());
    p.socket->end(2000, 1000);
    table.sweep(t0 + 999);
    p.turn();
    CHECK(p.events->closes == 0);
    // At the bound nothing moved: dropped. (On a loaded machine the kernel may still have been moving bytes into
    // the peer's buffer when end() measured: that earns one more period, and no more while the peer reads nothing.)
    for (std::uint64_t period = 1; period <= 3 && p.events->closes == 0; ++period) {
        table.sweep(t0 + 1000 * period);
        p.run_until([&] { return p.events->closes > 0; }, 200ms);
    }
    CHECK(p.events->closes == 1);
    CHECK(p.events->status == UV_ETIMEDOUT);
    CHECK(p.events->timeouts == 0);  // an ending socket's bound is the socket's own business, not the protocol's
}
}
