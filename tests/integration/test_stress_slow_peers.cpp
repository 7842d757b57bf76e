// Peers that are slow on purpose: slowloris on the head and on the body (408 and a close at the bound, for
// hundreds of them at once), a head dripping one byte per 100 ms, and half-open connections whose answers
// must still arrive before the server closes. A healthy client is served throughout; nothing leaks.
#include "support/conn_swarm.h"
#include "support/health_probe.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"

#include <doctest/doctest.h>

#include <atomic>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

duplex::HttpOptions slow_peer_options() {
    duplex::HttpOptions o;
    o.header_timeout = 300ms;
    o.body_timeout = 300ms;
    return o;
}

void routes(duplex::App& app) {
    app.get("/ping", [](duplex::Request&, duplex::Response& res) { res.send("pong"); });
    app.post("/upload", [](duplex::Request& req, duplex::Response& res) { res.send(std::to_string(req.body().size())); });
    // Answers 100 ms later, from a loop timer: the peer half-closes while the answer is still owed.
    duplex::EventLoop& loop = app.loop();
    app.get("/late", [&loop](duplex::Request& req, duplex::Response& res) {
        std::string n(req.query("n").value_or(""));
        loop.set_timeout(100ms, [res, n]() mutable { res.send("late " + n); });
    });
}

// `peers` connections each send `bytes` and stall: every one gets 408 and then the server's close.
void expect_all_timed_out(const std::string& bytes, const char* what) {
    constexpr std::size_t peers = 300;
    ServerThread server([](duplex::App& app, duplex::WsServer&) { routes(app); }, slow_peer_options(), false);
    REQUIRE(server.http_port() > 0);
    HealthProbe probe(http_get_check(server.http_port(), "/ping", "pong"));
    REQUIRE(wait_until([&] { return probe.ok() > 0; }));
    auto base = begin_load();

    ConnSwarm swarm;
    REQUIRE(swarm.open(server.http_port(), peers) == peers);
    auto start = Clock::now();
    CHECK(swarm.send_all(bytes) == peers);
    CHECK(swarm.read_until_all("\r\n\r\n", 5s) == peers);
    CHECK(swarm.wait_all_closed(5s) == peers);
    long long took = ms_since(start);
    for (std::size_t i = 0; i < peers; ++i) CHECK(swarm.buffer(i).rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(took >= 250);   // not before the timeout (minus the 100 ms tick granularity of deadlines)
    CHECK(took < 2000);   // and not much after it
    swarm.close_all();
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, what);
    CHECK(server.stop());
}

}  // namespace

TEST_SUITE("stress_slow_peers") {

TEST_CASE("slowloris on headers: 300 unfinished heads get 408 and a close after header_timeout") {
    expect_all_timed_out("GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ", "300 slowloris heads");
}

TEST_CASE("slowloris on bodies: 300 stalled bodies get 408 and a close after body_timeout") {
    expect_all_timed_out("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789",
                         "300 slowloris bodies");
}

TEST_CASE("a head sent one byte per 100 ms is cut at header_timeout, not when it ends") {
    duplex::HttpOptions o;
    o.header_timeout = 1000ms;
    ServerThread server([](duplex::App& app, duplex::WsServer&) { routes(app); }, o, false);
    REQUIRE(server.http_port() > 0);
    auto fds = open_fd_count();
    // 80 bytes at 10 a second would take 8 s to complete.
    const std::string head = "GET /ping HTTP/1.1\r\nHost: x\r\nUser-Agent: one-byte-at-a-time/1.0 (patient)\r\n\r\n";
    RawClient c(server.http_port());
    REQUIRE(c.connected());
    auto start = Clock::now();
    std::size_t sent = 0;
    while (sent < head.size() && c.buffer().empty()) {
        if (!c.send(head.substr(sent, 1))) break;  // the server may already have closed
        ++sent;
        c.recv_some(100ms);
    }
    auto r = c.read_response(2s);
    long long took = ms_since(start);
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(sent < head.size());
    CHECK(took >= 900);
    CHECK(took < 1800);
    CHECK(c.wait_closed(2s));
    c.close();
    CHECK(wait_fd_count_at_most(fds) <= fds);
    CHECK(server.stop());
}

TEST_CASE("200 half-open connections: two pipelined answers still arrive in order, then the server closes") {
    constexpr std::size_t peers = 200;
    ServerThread server([](duplex::App& app, duplex::WsServer&) { routes(app); }, {}, false);
    REQUIRE(server.http_port() > 0);
    auto base = begin_load();
    ConnSwarm swarm;
    REQUIRE(swarm.open(server.http_port(), peers) == peers);
    CHECK(swarm.send_all("GET /late?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /late?n=2 HTTP/1.1\r\nHost: x\r\n\r\n") ==
          peers);
    swarm.shutdown_write_all();  // the server reads EOF before either answer is ready
    CHECK(swarm.wait_all_closed(5s) == peers);
    for (std::size_t i = 0; i < peers; ++i) {
        const std::string& got = swarm.buffer(i);
        auto first = got.find("\r\n\r\nlate 1");
        auto second = got.find("\r\n\r\nlate 2");
        CHECK(got.rfind("HTTP/1.1 200 ", 0) == 0);
        CHECK(first != std::string::npos);
        CHECK(second != std::string::npos);
        CHECK(first < second);
    }
    swarm.close_all();
    expect_back_to_baseline(base, "200 half-open connections");
    CHECK(server.stop());
}

}  // TEST_SUITE
