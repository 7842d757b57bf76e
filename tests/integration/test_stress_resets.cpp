// Thousands of peers that vanish with a TCP reset while the server is busy sending to them: HTTP streams and
// WebSockets. The server must survive, report every Response as disconnected, fire onclose exactly once per
// WebSocket, keep serving a healthy client throughout, and give back every descriptor and its memory.
#include "support/conn_swarm.h"
#include "support/health_probe.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <vector>

using namespace testing_support;

namespace {

// 2,000 resets per protocol; on this 2-core machine each case takes about a second.
constexpr std::size_t peers = 2000;
// Small client windows and server high-water marks: a few KiB parked per peer, not megabytes of kernel memory.
constexpr int client_rcvbuf = 8 * 1024;
constexpr int server_sndbuf = 8 * 1024;
const std::string chunk(4 * 1024, 's');

// Writes until the response reports backpressure; on_drain calls it again: an endless, paced stream.
void pump(duplex::Response res) {
    while (res.write(chunk) == duplex::SendResult::Queued) {
    }
}

void pump(duplex::WebSocket ws) {
    while (ws.send_binary(chunk) == duplex::SendResult::Queued) {
    }
}

}  // namespace

TEST_SUITE("stress_resets") {

TEST_CASE("2,000 HTTP streams reset mid-response: every Response disconnected, the server unharmed") {
    std::atomic<int> started{0}, ended_incomplete{0}, still_connected{0};
    duplex::HttpOptions http;
    http.write_high_water = 16 * 1024;
    ServerThread server(
        [&](duplex::App& app, duplex::WsServer&) {
            app.get("/ping", [](duplex::Request&, duplex::Response& res) { res.send("pong"); });
            app.get("/stream", [&](duplex::Request&, duplex::Response& res) {
                ++started;
                res.type("application/octet-stream");
                res.on_drain([res] { pump(res); });
                res.on_finish([&, res](bool completed) mutable {
                    if (completed) return;
                    ++ended_incomplete;
                    if (res.connected() || res.write("late") != duplex::SendResult::Closed) ++still_connected;
                });
                pump(res);
            });
        },
        http, false);
    REQUIRE(server.http_port() > 0);
    HealthProbe probe(http_get_check(server.http_port(), "/ping", "pong"));
    REQUIRE(wait_until([&] { return probe.ok() > 0; }));
    auto base = begin_load();

    ConnSwarm swarm;
    REQUIRE(swarm.open(server.http_port(), peers, 20s, client_rcvbuf) == peers);
    REQUIRE(wait_until([&] { return shrink_accepted_send_buffers(server.http_port(), server_sndbuf) > peers; }));
    CHECK(swarm.send_all("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n") == peers);
    // Every stream has started flowing (head and a first chunk) before the peers vanish.
    CHECK(swarm.read_at_least_all(2 * chunk.size()) == peers);
    CHECK(started == static_cast<int>(peers));
    swarm.reset_all();

    CHECK(wait_until([&] { return ended_incomplete == static_cast<int>(peers); }));
    CHECK(still_connected == 0);
    std::size_t open_connections = 0;
    REQUIRE(server.run_on_loop([&] { open_connections = server.app().stats().connections; }));
    CHECK(open_connections == 1);  // the probe's
    CHECK(probe.ok() > 0);
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, "2,000 HTTP streams reset");
    CHECK(server.stop());
}

TEST_CASE("2,000 WebSockets reset while the server sends: onclose exactly once each, with 1006") {
    std::vector<std::uint64_t> closed_ids;  // loop thread only; read through run_on_loop
    closed_ids.reserve(2 * peers);          // before the baseline: no allocation during the load
    int abnormal = 0;                       // loop thread only
    std::atomic<int> opened{0}, closed{0};
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        wss.route("/flood", {
            .onopen = [&](duplex::WebSocket& ws, const duplex::Request&) {
                ++opened;
                pump(ws);
            },
            .onclose = [&](duplex::WebSocket& ws, const duplex::CloseEvent& ev) {
                closed_ids.push_back(ws.id());
                if (ev.code == duplex::CloseCode::Abnormal && !ev.was_clean) ++abnormal;
                ++closed;
            },
            .ondrain = [](duplex::WebSocket& ws) { pump(ws); },
            .options = {.max_buffered_bytes = 64 * 1024, .high_water_bytes = 16 * 1024},
        });
        wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
    });
    REQUIRE(server.ws_port() > 0);
    HealthProbe probe(ws_echo_check(server.ws_port(), "/echo"));
    REQUIRE(wait_until([&] { return probe.ok() > 0; }));
    auto base = begin_load();

    ConnSwarm swarm;
    REQUIRE(swarm.open(server.ws_port(), peers, 20s, client_rcvbuf) == peers);
    REQUIRE(wait_until([&] { return shrink_accepted_send_buffers(server.ws_port(), server_sndbuf) > peers; }));
    CHECK(swarm.send_all(upgrade_request("/flood")) == peers);
    CHECK(swarm.read_until_all("\r\n\r\n") == peers);
    for (std::size_t i = 0; i < peers; ++i) CHECK(swarm.buffer(i).rfind("HTTP/1.1 101 ", 0) == 0);
    CHECK(swarm.read_at_least_all(2 * chunk.size()) == peers);
    CHECK(opened == static_cast<int>(peers));
    swarm.reset_all();

    CHECK(wait_until([&] { return closed >= static_cast<int>(peers); }));
    std::this_thread::sleep_for(200ms);  // a second onclose would show up here
    std::vector<std::uint64_t> ids;
    int abnormal_seen = 0;
    std::size_t still_open = 0;
    REQUIRE(server.run_on_loop([&] {
        ids = closed_ids;
        abnormal_seen = abnormal;
        still_open = server.wss().connection_count();
    }));
    std::sort(ids.begin(), ids.end());
    CHECK(ids.size() == peers);
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());  // no WebSocket closed twice
    CHECK(abnormal_seen == static_cast<int>(peers));
    CHECK(still_open == 1);  // the probe
    CHECK(probe.ok() > 0);
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, "2,000 WebSockets reset");
    CHECK(server.stop());
}

}  // TEST_SUITE
