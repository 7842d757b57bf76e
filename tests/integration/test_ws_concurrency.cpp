// 1,000 WebSocket connections open at the same time (Node `ws` peers): every one greeted, every one echoing,
// every one closed cleanly, and the server's onopen/onclose balanced one to one.
#include "support/proc_stats.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/ws_event_log.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>

using namespace testing_support;

TEST_SUITE("ws concurrency") {
TEST_CASE("1,000 concurrent connections: all greeted, all echoing, all closed once") {
    if (!have_node_peer()) {
        DUPLEX_SKIP("node or tests/node_modules/ws not found");
    }
    constexpr std::size_t kConnections = 1000;
    // The server side of every connection lives in this process, next to its other descriptors.
    REQUIRE(raise_fd_limit(kConnections + 1024));
    WsEventLog log;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) { install_peer_routes(wss, log); });
    const std::string name = "many=" + std::to_string(kConnections);
    auto [rc, out] = run_node_peer("ws://127.0.0.1:" + std::to_string(server.ws_port()), {name});
    const std::string& out_text = out;  // clang 14 cannot capture a structured binding in INFO's lambda
    INFO(out_text);
    CHECK(scenarios_not_ok(out, {name}) == "");
    CHECK(rc == 0);
    CHECK(log.peak_open() == kConnections);
    CHECK(log.wait_closed_count(kConnections));
    CHECK(log.opened() == kConnections);
    CHECK(log.violations() == "");
    for (std::size_t i : {std::size_t(0), kConnections / 2, kConnections - 1}) {
        auto r = log.wait_closed("/greet?case=many-" + std::to_string(i));
        REQUIRE(r);
        CHECK(r->code == 1000);
        CHECK(r->was_clean);
    }
    CHECK(server.stop());
}
}
