// examples/multicore against the running binary, 4 threads dealing connections out in turn (--handoff, so the
// spread is exact): the clients land on every thread, a message from one reaches all of them, /stats sums the
// threads, and SIGTERM closes every client with 1001 and exits 0.
#include "examples/example_process.h"
#include "support/ws_raw.h"
#include "support/ws_stop_checks.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <vector>

using namespace testing_support;
using nlohmann::json;

TEST_SUITE("examples") {

TEST_CASE("multicore: 8 clients over 4 threads, one chat, summed stats, one graceful stop") {
    ExampleProcess app("multicore", {"--threads", "4", "--handoff"});
    REQUIRE(app.port() > 0);
    std::vector<std::unique_ptr<WsRawClient>> clients;
    std::map<int, int> per_thread;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<WsRawClient>(app.port()));
        REQUIRE(clients.back()->open("/chat"));
        auto hello = clients.back()->read_message();
        REQUIRE(hello);
        json h = json::parse(*hello);
        CHECK(h["type"] == "hello");
        ++per_thread[h["thread"].get<int>()];
    }
    // Dealt out in turn: two on each thread.
    CHECK(per_thread == std::map<int, int>{{0, 2}, {1, 2}, {2, 2}, {3, 2}});

    REQUIRE(clients[5]->send_text("hi everyone"));
    for (auto& c : clients) {
        auto m = c->read_message();
        REQUIRE(m);
        json j = json::parse(*m);
        CHECK(j["type"] == "message");
        CHECK(j["text"] == "hi everyone");
    }

    json s = app.client().get("/stats").send().json();
    CHECK(s["threads"] == 4);
    CHECK(s["messages"] == 1);
    CHECK(s["ws_connections"] == 8);
    CHECK(s["per_thread"].size() == 4);
    CHECK(app.client().get("/whoami").send().json()["threads"] == 4);

    expect_graceful_stop(app.process(), clients);
}

}  // TEST_SUITE
