// 10,000 pipelined requests in one write: every one answered, in order, while the server's memory stays
// bounded: reading pauses at max_pipelined unanswered requests, and a peer that sends without reading cannot
// make the server queue all of its answers.
#include "support/conn_swarm.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

using namespace testing_support;

namespace {

constexpr int requests = 10000;

std::string pipelined_requests() {
    std::string all;
    for (int i = 0; i < requests; ++i) all += "GET /n/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    return all;
}

// Reads the answers and checks that answer i carries body i (plus the padding of the route).
int count_in_order(RawClient& c, std::size_t padding) {
    int in_order = 0;
    for (int i = 0; i < requests; ++i) {
        auto r = c.read_response(5s);
        if (!r || r->status != 200 || r->body != std::to_string(i) + std::string(padding, '.')) break;
        ++in_order;
    }
    return in_order;
}

}  // namespace

TEST_SUITE("stress_pipeline") {

TEST_CASE("10,000 pipelined requests answered later: in order, never more than max_pipelined waiting") {
    std::size_t waiting = 0, max_waiting = 0;  // loop thread only
    duplex::HttpOptions o;
    o.max_pipelined = 16;
    ServerThread server(
        [&](duplex::App& app, duplex::WsServer&) {
            duplex::EventLoop& loop = app.loop();
            app.get("/n/:i", [&](duplex::Request& req, duplex::Response& res) {
                max_waiting = std::max(max_waiting, ++waiting);
                std::string body(req.param("i"));
                loop.post([&, res, body]() mutable {
                    --waiting;
                    res.send(body);
                });
            });
        },
        o, false);
    REQUIRE(server.http_port() > 0);
    auto base = begin_load();
    RawClient c(server.http_port());
    REQUIRE(c.connected());
    REQUIRE(c.send(pipelined_requests(), 10s));
    CHECK(count_in_order(c, 0) == requests);
    std::size_t seen = 0;
    REQUIRE(server.run_on_loop([&] { seen = max_waiting; }));
    CHECK(seen <= o.max_pipelined);
    CHECK(seen >= 2);  // the answers really were pending together
    c.close();
    expect_back_to_baseline(base, "10,000 pipelined requests (asynchronous answers)");
    CHECK(server.stop());
}

TEST_CASE("10,000 pipelined requests from a peer that reads only at the end: answers are not all queued") {
    constexpr std::size_t padding = 1000;  // 10 MB of answers in all
    std::size_t max_buffered = 0;           // loop thread only
    ServerThread server(
        [&](duplex::App& app, duplex::WsServer&) {
            app.get("/n/:i", [&](duplex::Request& req, duplex::Response& res) {
                max_buffered = std::max(max_buffered, res.buffered_amount());
                res.send(std::string(req.param("i")) + std::string(padding, '.'));
            });
        },
        {}, false);
    REQUIRE(server.http_port() > 0);
    auto base = begin_load();
    RawClient c(server.http_port());
    REQUIRE(c.connected());
    REQUIRE(wait_until([&] { return shrink_accepted_send_buffers(server.http_port(), 64 * 1024) == 1; }));
    bool sent = c.send(pipelined_requests(), 5s);
    CHECK(count_in_order(c, padding) == requests);
    std::size_t seen = 0;
    REQUIRE(server.run_on_loop([&] { seen = max_buffered; }));
    MESSAGE("server output buffered at most " << seen / 1024 << " KiB");
    CHECK(sent);
    // Reading pauses at write_high_water (256 KiB) of waiting answers; one 64 KiB read of requests (~1,900)
    // may be answered before that is noticed: about 2 MiB, where the whole run is 10 MiB.
    CHECK(seen <= 4 * 1024 * 1024);
    c.close();
    expect_back_to_baseline(base, "10,000 pipelined requests (peer not reading)");
    CHECK(server.stop());
}

}  // TEST_SUITE
