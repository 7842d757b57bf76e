// Socket::write_shared: large immutable bytes (a frame published to many subscribers) are queued by reference,
// next to the copied bytes, and go out in order through writev. These tests drive one Socket on a loop of the
// test's own against a plain blocking peer: order kept across short writes and a uv_write in flight, the owners
// held exactly until the kernel has the bytes (and released when the peer goes mid-write), buffered_amount
// counting the chunks; and at the WebSocket level, that a publish's shared frame meets each subscriber's cap.
#include "loop/loop_core.h"
#include "net/socket.h"
#include "support/loopback_socket.h"
#include "support/server_thread.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

using namespace testing_support;
using namespace std::chrono_literals;
using duplex::detail::LoopCore;
using duplex::detail::Socket;

namespace {

struct Events final : duplex::detail::Protocol {
    void on_data(char*, std::size_t) override {}
    void on_eof() override {}
    void on_drain() override { ++drains; }
    void on_timeout() override {}
    void on_closed(int s) override {
        closed = true;
        status = s;
    }
    int drains = 0;
    bool closed = false;
    int status = 0;
};

std::string pattern(std::size_t n, char seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i % 251);
    return s;
}

// One connected Socket on core, and the peer's end as a plain descriptor.
struct Pair {
    LoopCore core;
    Socket* socket = nullptr;
    std::shared_ptr<Events> events = std::make_shared<Events>();
    int peer = -1;

    Pair() {
        sockaddr_in addr{};
        int listener = testing_support::loopback_socket(addr, 1);
        REQUIRE(listener >= 0);
        socket = Socket::create(core);
        bool connected = false;
        REQUIRE(socket->connect(reinterpret_cast<sockaddr*>(&addr), [&](int status) { connected = status == 0; }) == 0);
        run_until([&] { return connected; });
        REQUIRE(connected);
        socket->start(events);
        peer = ::accept(listener, nullptr, nullptr);
        ::close(listener);
        REQUIRE(peer >= 0);
    }
    ~Pair() {
        if (!events->closed) socket->close();
        run_until([&] { return events->closed; });
        if (peer >= 0) ::close(peer);
    }
    // Runs the loop (the socket's flushes happen on its turns) until done(), bounded.
    template <class F> bool run_until(F done, std::chrono::milliseconds bound = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + bound;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            uv_run(core.uv(), UV_RUN_NOWAIT);
        }
        return true;
    }
    // Reads what the peer has now, without waiting.
    void read_some(std::string& into) {
        char buf[65536];
        ssize_t n;
        while ((n = ::recv(peer, buf, sizeof buf, MSG_DONTWAIT)) > 0) into.append(buf, static_cast<std::size_t>(n));
    }
};

std::shared_ptr<const void> owned(std::string bytes, std::weak_ptr<const void>& watch) {
    auto p = std::make_shared<const std::string>(std::move(bytes));
    watch = p;
    return p;
}

std::string_view view(const std::shared_ptr<const void>& p) { return *static_cast<const std::string*>(p.get()); }

}  // namespace

TEST_SUITE("socket_output") {

TEST_CASE("shared chunks between copied bytes arrive in order through short writes; owners held until written") {
    Pair pair;
    // Every non-blocking write is cut to a third: flush_chunks goes on through a uv_write that holds the chunks.
    duplex::detail::SocketFaults faults{.on_write = [](std::size_t len) { return static_cast<int>(len / 3 + 1); }};
    duplex::detail::set_socket_faults(&faults);
    std::weak_ptr<const void> big_watch, small_watch, late_watch;
    std::string expected;
    {
        auto big = owned(pattern(6 << 20, 'a'), big_watch);        // past the kernel's buffer: a uv_write waits
        auto small = owned(pattern(Socket::shared_write_min, 'k'), small_watch);
        auto tiny = owned("under the threshold: copied", late_watch);
        auto put = [&](std::string_view copy) {
            pair.socket->write(copy);
            expected.append(copy);
        };
        auto share = [&](const std::shared_ptr<const void>& p) {
            pair.socket->write_shared(view(p), p);
            expected.append(view(p));
        };
        put("head");
        share(big);
        put("middle");
        share(small);
        share(small);  // the same chunk twice, back to back
        share(tiny);
        put("tail");
        CHECK(pair.socket->buffered_amount() == expected.size());
        CHECK(tiny.use_count() == 1);  // copied, not held
    }
    CHECK(late_watch.expired());
    CHECK_FALSE(big_watch.expired());  // only the socket holds it now
    std::string got;
    // A second batch queued while the first is in flight, some of it by reference.
    CHECK(pair.run_until([&] { return pair.socket->buffered_amount() < expected.size(); }));
    std::weak_ptr<const void> second_watch;
    {
        auto second = owned(pattern(300 << 10, 'q'), second_watch);
        pair.socket->write("again");
        expected.append("again");
        pair.socket->write_shared(view(second), second);
        expected.append(view(second));
    }
    CHECK_FALSE(second_watch.expired());
    CHECK(pair.run_until([&] {
        pair.read_some(got);
        return got.size() >= expected.size() && pair.events->drains > 0;
    }));
    duplex::detail::set_socket_faults(nullptr);
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
    CHECK(pair.socket->buffered_amount() == 0);
    CHECK(big_watch.expired());
    CHECK(small_watch.expired());
    CHECK(second_watch.expired());
}

TEST_CASE("the peer goes while shared chunks are in flight: the socket closes and lets go of them") {
    Pair pair;
    std::weak_ptr<const void> watch;
    {
        auto big = owned(pattern(16 << 20, 'z'), watch);
        pair.socket->write("head");
        pair.socket->write_shared(view(big), big);
        pair.socket->write_shared(view(big), big);
    }
    // The peer reads nothing: the kernel takes a few MiB and a uv_write holds the rest.
    CHECK(pair.run_until([&] { return pair.socket->buffered_amount() < 4 + (32u << 20); }));
    CHECK(pair.socket->buffered_amount() > 0);
    CHECK_FALSE(watch.expired());
    linger reset{1, 0};  // close with a reset
    ::setsockopt(pair.peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(pair.peer);
    pair.peer = -1;
    CHECK(pair.run_until([&] { return pair.events->closed; }));
    CHECK(pair.events->status < 0);
    CHECK(watch.expired());
}

TEST_CASE("publish of a large frame: each subscriber's cap counts the shared frame, Drop refuses past it") {
    constexpr std::size_t big = 60 << 10;
    std::atomic<int> first{-1}, second{-1};
    std::atomic<std::size_t> buffered{0};
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        wss.route("/t", {
            .onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("t"); },
            .onmessage = [&, w = &wss](duplex::WebSocket& ws, const duplex::Message&) {
                // In one loop turn: the first frame is queued to both (by reference), the second would pass
                // max_buffered_bytes (100 KiB) for each and is dropped, the small one fits.
                first = static_cast<int>(w->publish("t", std::string(big, 'x')));
                buffered = ws.buffered_amount();
                second = static_cast<int>(w->publish("t", std::string(big, 'y')));
                w->publish("t", "end");
            },
            .options = {.max_buffered_bytes = 100 << 10, .backpressure = duplex::BackpressurePolicy::Drop},
        });
    });
    REQUIRE(server.ws_port() > 0);
    {  // the clients go before the server stops: it does not wait for their Close
        WsRawClient a(server.ws_port()), b(server.ws_port());
        REQUIRE(a.open("/t"));
        REQUIRE(b.open("/t"));
        REQUIRE(a.send_text("go"));
        for (WsRawClient* c : {&a, &b}) {
            auto m1 = c->read_message();
            REQUIRE(m1);
            CHECK(*m1 == std::string(big, 'x'));
            auto m2 = c->read_message();
            REQUIRE(m2);
            CHECK(*m2 == "end");
        }
    }
    CHECK(first == 2);
    CHECK(second == 0);
    CHECK(buffered >= big);
    CHECK(server.stop());
}

}  // TEST_SUITE
