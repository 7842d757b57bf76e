// The demo with --threads 4 (duplex::Cluster): the /ws chat reaches every client whatever thread holds it, /api/stats
// sums the threads and lists each one's connections, and SIGTERM closes every WebSocket with 1001 and exits 0.
#include "support/demo_process.h"
#include "support/raw_client.h"
#include "support/ws_raw.h"
#include "support/ws_stop_checks.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("demo_threads") {

TEST_CASE("demo --threads 4: one chat over every thread, summed stats, one graceful stop") {
    DemoProcess demo({"--quiet", "--threads", "4"});
    REQUIRE(demo.ready());
    constexpr int clients = 12;
    std::vector<std::unique_ptr<WsRawClient>> ws;
    for (int i = 0; i < clients; ++i) {
        ws.push_back(std::make_unique<WsRawClient>(demo.ws_port()));
        REQUIRE(ws.back()->open("/ws"));
        CHECK(ws.back()->read_message() == "world");
    }
    REQUIRE(ws[3]->send_text("hello, every thread"));
    for (auto& c : ws) CHECK(c->read_message() == "hello, every thread");

    auto res = http_request(demo.http_port(), "GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(res);
    auto stats = nlohmann::json::parse(res->body);
    CHECK(stats["ws_connections"] == clients);
    CHECK(stats["ws_messages"] == 1);
    REQUIRE(stats["threads"].size() == 4);
    int sum = 0, busy = 0;
    for (const auto& t : stats["threads"]) {
        sum += t["ws_connections"].get<int>();
        busy += t["ws_connections"].get<int>() > 0;
    }
    CHECK(sum == clients);
    CHECK(busy >= 2);  // the kernel spread them (all 12 on one of 4 threads: odds of 1 in 4 million)

    expect_graceful_stop(demo.process(), ws);
}

}  // TEST_SUITE
