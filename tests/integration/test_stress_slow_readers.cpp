// WebSocket peers that never read while the server keeps sending: the per-connection max_buffered_bytes cap
// must bound the server's memory (Drop refuses messages, Close ends the connection with 1008), a healthy
// client keeps its echo, and everything returns to the baseline once the peers leave.
#include "support/conn_swarm.h"
#include "support/health_probe.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>
#include <vector>

using namespace testing_support;

namespace {

constexpr std::size_t cap = 32 * 1024;  // max_buffered_bytes of the routes
const std::string message(8 * 1024, 'm');
// Small kernel buffers on both ends: the server's own buffers fill after a few KiB.
constexpr int client_rcvbuf = 4 * 1024;
constexpr int server_sndbuf = 4 * 1024;

// Broadcasts `message` to every open connection of a route every 10 ms, counting what each send returned.
// Its bookkeeping is reserved up front (loop thread only after that): no allocation during the load.
struct Hose {
    struct Peer {
        duplex::WebSocket ws;
        bool dropped = false;  // had a send refused (Drop)
        bool failed = false;   // was failed by the Close policy
    };
    explicit Hose(std::size_t n) { peers.reserve(n); }
    std::vector<Peer> peers;
    std::atomic<int> opened{0}, closed{0}, dropped_peers{0}, failed_peers{0}, closed_1008{0};

    duplex::WsRoute route(duplex::BackpressurePolicy policy) {
        return {
            .onopen = [this](duplex::WebSocket& ws, const duplex::Request&) {
                peers.push_back(Peer{ws});
                ++opened;
            },
            .onclose = [this](duplex::WebSocket&, const duplex::CloseEvent& ev) {
                if (ev.code == duplex::CloseCode::PolicyViolation) ++closed_1008;
                ++closed;
            },
            .options = {.max_buffered_bytes = cap, .backpressure = policy, .high_water_bytes = cap / 2},
        };
    }
    void tick() {
        for (auto& p : peers) {
            duplex::SendResult r = p.ws.send_binary(message);
            if (r == duplex::SendResult::Dropped && !p.dropped) {
                p.dropped = true;
                ++dropped_peers;
            }
            if (r == duplex::SendResult::Closed && !p.failed) {
                p.failed = true;
                ++failed_peers;
            }
        }
    }
};

void add_echo(duplex::WsServer& wss) {
    wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
}

// The shared set-up of both tests: a server with the hose and an echo route, a healthy echo client, the
// memory baseline, `n` raw peers upgraded to /hose that never read after the 101, and the hose running.
struct HoseLoad {
    Hose hose;
    ServerThread server;
    HealthProbe probe;
    MemoryBaseline base;
    ConnSwarm swarm;
    duplex::TimerId timer = 0;

    HoseLoad(std::size_t n, duplex::BackpressurePolicy policy)
        : hose(n),
          server([this, policy](duplex::App&, duplex::WsServer& wss) {
              wss.route("/hose", hose.route(policy));
              add_echo(wss);
          }),
          probe(ws_echo_check(server.ws_port(), "/echo")) {
        REQUIRE(server.ws_port() > 0);
        REQUIRE(wait_until([&] { return probe.ok() > 0; }));
        base = begin_load();
        REQUIRE(swarm.open(server.ws_port(), n, 20s, client_rcvbuf) == n);
        REQUIRE(wait_until([&] { return shrink_accepted_send_buffers(server.ws_port(), server_sndbuf) > n; }));
        CHECK(swarm.send_all(upgrade_request("/hose")) == n);
        CHECK(swarm.read_until_all("\r\n\r\n") == n);  // the 101; nothing is read after it
        REQUIRE(wait_until([&] { return hose.opened == static_cast<int>(n); }));
        REQUIRE(server.run_on_loop([&] { timer = server.loop().set_interval(10ms, [&] { hose.tick(); }); }));
    }
    void stop_hose() {
        REQUIRE(server.run_on_loop([&] {
            server.loop().clear_timer(timer);
            hose.peers.clear();
        }));
    }
};

}  // namespace

TEST_SUITE("stress_slow_readers") {

TEST_CASE("1,000 WebSockets that never read: memory bounded by max_buffered_bytes (Drop), then back to baseline") {
    constexpr std::size_t peers = 1000;
    HoseLoad load(peers, duplex::BackpressurePolicy::Drop);
    Hose& hose = load.hose;
    HealthProbe& probe = load.probe;
    ConnSwarm& swarm = load.swarm;
    ServerThread& server = load.server;
    const MemoryBaseline& base = load.base;
    // Every peer hits its cap (the server really tries to overfill them), then the pressure goes on for
    // 500 ms more: 50 broadcasts offer each peer 400 KiB over its cap.
    CHECK(wait_until([&] { return hose.dropped_peers == static_cast<int>(peers); }));
    std::this_thread::sleep_for(500ms);
    load.stop_hose();
    std::size_t peak = peak_rss_kib();
    CHECK(hose.closed == 0);        // Drop keeps connections open
    // Per peer at most the capped buffer (string growth can double it, plus one message) and its session.
    std::size_t bound_kib = peers * (2 * (cap + message.size()) + 16 * 1024) / 1024;
    if (memory_figures_meaningful()) CHECK(peak - base.rss_kib <= bound_kib);

    swarm.close_all();  // unread bytes pending: the kernel answers with resets
    CHECK(wait_until([&] { return hose.closed == static_cast<int>(peers); }));
    CHECK(probe.ok() > 0);
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, "1,000 non-reading WebSockets (Drop)");
    CHECK(server.stop());
}

TEST_CASE("500 WebSockets that never read under the Close policy: each is failed with 1008, exactly once") {
    constexpr std::size_t peers = 500;
    HoseLoad load(peers, duplex::BackpressurePolicy::Close);
    Hose& hose = load.hose;
    HealthProbe& probe = load.probe;
    ConnSwarm& swarm = load.swarm;
    ServerThread& server = load.server;
    const MemoryBaseline& base = load.base;
    // Each peer is failed once its buffer passes the cap; its Close frame cannot be delivered to a peer that
    // does not read, so the TCP connection stays until the peer leaves (or the server's write bound).
    CHECK(wait_until([&] { return hose.failed_peers == static_cast<int>(peers); }));
    load.stop_hose();
    swarm.close_all();
    CHECK(wait_until([&] { return hose.closed == static_cast<int>(peers); }));
    std::this_thread::sleep_for(100ms);  // a second onclose would show up here
    CHECK(hose.closed == static_cast<int>(peers));
    CHECK(hose.closed_1008 == static_cast<int>(peers));
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, "500 non-reading WebSockets (Close)");
    CHECK(server.stop());
}

}  // TEST_SUITE
