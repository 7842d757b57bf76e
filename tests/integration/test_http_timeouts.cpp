// Timeouts of HttpOptions through a real server: a slowloris head (header_timeout, counted from the first
// byte however slowly the rest drips), a stalled body (body_timeout), an idle keep-alive connection
// (idle_timeout), and answers the peer does not read (send_timeout: a pause is not idleness, a stall ends).
// Bounds are small (300 ms) so the suite stays fast.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;

duplex::HttpOptions short_timeouts() {
    duplex::HttpOptions opt;
    opt.header_timeout = 300ms;
    opt.body_timeout = 300ms;
    opt.idle_timeout = 300ms;
    opt.send_timeout = 300ms;
    return opt;
}

void hello_route(duplex::App& app, duplex::WsServer&) {
    app.all("/hello", [](duplex::Request& req, duplex::Response& res) { res.send("hi " + std::string(req.body())); });
    app.get("/kilo", [](duplex::Request&, duplex::Response& res) { res.send(std::string(1024, 'k')); });
}

}  // namespace

TEST_SUITE("http_timeouts") {

TEST_CASE("slowloris: a head dripping one byte per 50 ms gets 408 and a close after header_timeout") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    const std::string head = "GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: " + std::string(200, 's');
    auto started = Clock::now();
    std::size_t sent = 0;
    // Drip until the server answers (it must, long before the head is complete).
    while (sent < head.size() && Clock::now() - started < 3s) {
        if (!c.send(head.substr(sent, 1))) break;
        ++sent;
        if (!c.recv_some(50ms).empty()) break;
    }
    auto r = c.read_response(2s);
    auto answered = Clock::now() - started;
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed(2s));
    CHECK(sent < head.size());
    CHECK(answered >= 250ms);
    CHECK(answered < 1500ms);
    CHECK(server.stop());
}

TEST_CASE("a stalled body gets 408 and a close after body_timeout") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    auto started = Clock::now();
    REQUIRE(c.send("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
    auto r = c.read_response(3s);
    auto answered = Clock::now() - started;
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(c.wait_closed(2s));
    CHECK(answered >= 250ms);
    CHECK(answered < 1500ms);
    CHECK(server.stop());
}

TEST_CASE("a body trickling faster than body_timeout is not cut off") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    REQUIRE(c.send("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 8\r\n\r\n"));
    // 8 bytes at 100 ms each: 800 ms in total, more than the 300 ms bound, but never silent for that long.
    for (char ch : std::string("trickled")) {
        std::this_thread::sleep_for(100ms);
        REQUIRE(c.send(std::string(1, ch)));
    }
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hi trickled");
    CHECK(server.stop());
}

TEST_CASE("an idle keep-alive connection is closed silently after idle_timeout") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    auto idle_since = Clock::now();
    CHECK(c.wait_closed(3s));
    auto idle = Clock::now() - idle_since;
    CHECK(idle >= 250ms);
    CHECK(idle < 1500ms);
    CHECK(c.buffer().empty());  // no 408 on an idle connection: nothing was being asked
    CHECK(server.stop());
}

TEST_CASE("a connection that opens and never speaks is closed after header_timeout") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    auto started = Clock::now();
    CHECK(c.wait_closed(3s));
    CHECK(Clock::now() - started < 1500ms);
    CHECK(server.stop());
}

TEST_CASE("a busy keep-alive connection is not closed while requests keep coming") {
    ServerThread server(hello_route, short_timeouts());
    RawClient c(server.http_port());
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(150ms);
        REQUIRE(c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    CHECK(server.stop());
}

TEST_CASE("a pipelining client that pauses reading longer than idle_timeout still gets every answer") {
    duplex::HttpOptions opt = short_timeouts();
    opt.send_timeout = 3s;
    ServerThread server(hello_route, opt);
    RawClient c(server.http_port());
    // 8 MiB of answers: far more than the socket buffers hold, so the server stops reading and waits.
    constexpr int kRequests = 8000;
    std::string burst;
    for (int i = 0; i < kRequests; ++i) burst += "GET /kilo HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(c.send(burst));
    std::this_thread::sleep_for(1s);  // idle_timeout passes three times over
    int answered = 0;
    for (; answered < kRequests; ++answered) {
        auto r = c.read_response(2s);
        if (!r || r->status != 200 || r->body.size() != 1024) break;
    }
    CHECK(answered == kRequests);
    CHECK(server.stop());
}

TEST_CASE("answers the peer takes nothing of are dropped after send_timeout, counted from the last progress") {
    duplex::HttpOptions opt = short_timeouts();
    opt.send_timeout = 600ms;  // several reads fall in each period, however loaded the machine
    ServerThread server(hello_route, opt);
    RawClient c(server.http_port());
    std::string burst;
    for (int i = 0; i < 8000; ++i) burst += "GET /kilo HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(c.send(burst));
    // Read a little now and then, more often than send_timeout: the connection stays, twice send_timeout long.
    for (int i = 0; i < 12; ++i) {
        std::this_thread::sleep_for(100ms);
        CHECK_FALSE(c.recv_some(100ms).empty());
        c.buffer().clear();
    }
    // Then nothing: the server ends the connection once send_timeout passes without progress. (Reading it
    // afterwards drains what the kernel still held, then reaches the close.)
    std::this_thread::sleep_for(2s);
    CHECK(c.wait_closed(5s));
    CHECK(server.stop());
}

}  // TEST_SUITE
