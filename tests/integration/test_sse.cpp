// Server-sent events through a real server and raw sockets: the head and the events as the wire carries them,
// Last-Event-ID, heartbeats that keep a quiet stream open past the idle timeout, backpressure and drain towards a
// reader that pauses, the close notice when the client goes (a close or a half-close) with the kept handle inert
// afterwards, close() from the server, and a server shutdown that ends open streams at once.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;

bool wait_for(const std::atomic<bool>& flag, std::chrono::milliseconds bound = 5s) {
    const auto deadline = Clock::now() + bound;
    while (!flag && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return flag;
}

// The state a test shares with its /events route (touched on the loop thread, read by the test after the flags).
struct Streams {
    std::vector<duplex::EventStream> open;
    std::atomic<bool> opened{false}, closed{false}, client_gone{false};
    std::string last_event_id;
};

void events_route(duplex::App& app, Streams& s, duplex::SseOptions options = {}) {
    app.get("/events", [&s, options](duplex::Request&, duplex::Response& res) {
        duplex::EventStream stream = duplex::sse(res, options);
        s.last_event_id = std::string(stream.last_event_id());
        stream.on_close([&s](bool gone) {
            s.client_gone = gone;
            s.open.clear();  // dropping the handles from inside the notice is allowed
            s.closed = true;
        });
        stream.send({.data = "hello\nworld", .event = "greeting", .id = "1"});
        s.open.push_back(stream);
        s.opened = true;
    });
}

}  // namespace

TEST_SUITE("sse") {

TEST_CASE("the head, events as the wire carries them, Last-Event-ID, and close() ending the answer") {
    Streams s;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        events_route(app, s, {.retry = std::chrono::milliseconds(1500)});
    });
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /events HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\nLast-Event-ID: 41\r\n\r\n"));
    auto head = c.recv_until("\r\n\r\n");
    REQUIRE(head);
    CHECK(head->find("HTTP/1.1 200 OK\r\n") == 0);
    CHECK(head->find("Content-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(head->find("Cache-Control: no-cache, no-transform\r\n") != std::string::npos);
    CHECK(head->find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    REQUIRE(c.recv_until("retry: 1500\n\n"));
    REQUIRE(c.recv_until("event: greeting\nid: 1\ndata: hello\ndata: world\n\n"));
    REQUIRE(wait_for(s.opened));
    CHECK(s.last_event_id == "41");
    duplex::SendResult r = duplex::SendResult::Closed;
    bool threw = false;
    REQUIRE(server.run_on_loop([&] {
        r = s.open.front().send("second");
        try {
            s.open.front().send({.data = "x", .id = "2\r\nevent: forged"});
        } catch (const std::invalid_argument&) {
            threw = true;
        }
        s.open.front().close();
    }));
    CHECK(r == duplex::SendResult::Queued);
    CHECK(threw);
    auto rest = c.recv_until("0\r\n\r\n");
    REQUIRE(rest);
    CHECK(rest->find("data: second\n\n") != std::string::npos);
    CHECK(rest->find("forged") == std::string::npos);
    REQUIRE(wait_for(s.closed));
    CHECK_FALSE(s.client_gone);
    // The connection stays usable: the answer ended cleanly.
    REQUIRE(c.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(c.recv_until("data: world\n\n"));
    CHECK(server.stop());
}

TEST_CASE("heartbeats keep a quiet stream open past the idle timeout; a client that goes is noticed") {
    Streams s;
    duplex::HttpOptions opt;
    opt.idle_timeout = 200ms;
    opt.send_timeout = 200ms;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { events_route(app, s, {.heartbeat = 100ms}); },
                        opt);
    for (bool half_close : {false, true}) {
        CAPTURE(half_close);
        s.opened = s.closed = s.client_gone = false;
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.recv_until("data: world\n\n"));
        const auto quiet_until = Clock::now() + 800ms;  // four idle timeouts
        int beats = 0;
        while (Clock::now() < quiet_until) {
            if (c.recv_until(":\n", 1s)) ++beats;
            else break;
        }
        CHECK(beats >= 4);
        CHECK_FALSE(s.closed);
        if (half_close) c.shutdown_write();  // EventSource.close() may leave only a FIN
        else c.close();
        REQUIRE(wait_for(s.closed));
        CHECK(s.client_gone);
    }
    CHECK(server.stop());
}

TEST_CASE("backpressure as Response::write: Backpressure, then drain once the reader catches up") {
    Streams s;
    duplex::HttpOptions opt;
    opt.write_high_water = 64 * 1024;
    std::atomic<int> sent{0}, pressured{0};
    std::atomic<bool> done{false};
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.get("/flood", [&](duplex::Request&, duplex::Response& res) {
            struct Pump : std::enable_shared_from_this<Pump> {
                duplex::EventStream stream;
                std::atomic<int>& sent;
                std::atomic<int>& pressured;
                std::atomic<bool>& done;
                Pump(duplex::EventStream st, std::atomic<int>& n, std::atomic<int>& p, std::atomic<bool>& d)
                    : stream(std::move(st)), sent(n), pressured(p), done(d) {}
                void run() {
                    const std::string payload(4000, 'x');
                    while (sent < 2000) {
                        const duplex::SendResult r = stream.send({.data = payload, .id = std::to_string(sent.load())});
                        ++sent;
                        if (r == duplex::SendResult::Closed) return;
                        if (r == duplex::SendResult::Backpressure) {
                            ++pressured;
                            stream.on_drain([self = shared_from_this()] { self->run(); });
                            return;
                        }
                    }
                    stream.send({.data = "end", .event = "done"});
                    done = true;
                }
            };
            std::make_shared<Pump>(duplex::sse(res, {.heartbeat = 0ms}), sent, pressured, done)->run();
        });
    }, opt);
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::this_thread::sleep_for(200ms);  // the server fills every buffer and waits for drain
    CHECK(pressured > 0);
    CHECK(sent < 2000);
    auto all = c.recv_until("event: done\n", 20s);
    REQUIRE(all);
    CHECK(done);
    // Every event arrived, in order.
    std::size_t pos = 0;
    for (int i = 0; i < 2000; i += 97) {
        pos = all->find("id: " + std::to_string(i) + "\n", pos);
        CAPTURE(i);
        REQUIRE(pos != std::string::npos);
    }
    CHECK(server.stop());
}

TEST_CASE("a kept handle after the peer reset is inert; a shutdown ends open streams at once") {
    Streams s;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { events_route(app, s); });
    std::optional<duplex::EventStream> kept;  // loop thread only
    {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.recv_until("data: world\n\n"));
        REQUIRE(server.run_on_loop([&] { kept = s.open.front(); }));
        c.reset();
    }
    REQUIRE(wait_for(s.closed));
    CHECK(s.client_gone);
    duplex::SendResult late = duplex::SendResult::Queued;
    bool connected = true;
    REQUIRE(server.run_on_loop([&] {
        late = kept->send("late");
        kept->comment("late");
        kept->on_drain([] {});
        kept->close();
        connected = kept->connected();
        kept.reset();
    }));
    CHECK(late == duplex::SendResult::Closed);
    CHECK_FALSE(connected);

    s.opened = s.closed = false;
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(c.recv_until("data: world\n\n"));
    const auto t0 = Clock::now();
    std::atomic<bool> stopped{false};
    std::thread stopper([&] { stopped = server.stop(); });
    CHECK(c.recv_until("0\r\n\r\n", 2s));  // the stream's last chunk, at once
    c.close();                              // which the server lingers for, as after any answer
    stopper.join();
    CHECK(stopped);
    CHECK(Clock::now() - t0 < 2s);  // not the 5 s shutdown bound
    CHECK(s.closed);
    CHECK_FALSE(s.client_gone);
}
}
