// A handshake flood on a TLS listener: 1,500 connections that send half a ClientHello (or nothing) and stall.
// Each costs the server a bounded amount of memory while it waits (measured as heap in use, reported), every one
// is cut at the handshake timeout (HttpOptions::header_timeout), and a second flood leaves the heap where the
// first left it: nothing accumulates. A real client is served after it. About 8 s.
#include "support/conn_swarm.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/test_pki.h"
#include "support/tls_raw.h"

#include <doctest/doctest.h>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("tls") {
TEST_CASE("a flood of stalled TLS handshakes: bounded memory each, cut at the timeout, nothing left behind") {
    constexpr std::size_t peers = 1500;  // half with half a ClientHello, half silent (batches of 250)
    constexpr std::size_t per_peer_bound_kib = 64;  // measured: about 40 (an SSL, a partial record, a session)
    REQUIRE(raise_fd_limit(2 * peers + 1024));
    duplex::HttpOptions o;
    o.header_timeout = 3000ms;  // long enough for all of them to be accepted first on a busy machine
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
                            app.get("/hello", [](duplex::Request&, duplex::Response& res) { res.send("hello"); });
                        },
                        o, false, {.cert_file = test_pki().server.cert_file, .key_file = test_pki().server.key_file});
    REQUIRE(server.http_port() > 0);
    const int port = server.http_port();
    std::string hello;
    {
        TlsRaw tls;
        SSL_do_handshake(tls.ssl());
        hello = tls.take_output();
    }
    REQUIRE(hello.size() > 100);
    hello.resize(hello.size() / 2);
    auto open_connections = [&] {
        std::size_t open = 0;
        server.run_on_loop([&] { open = server.app().stats().connections; });
        return open;
    };
    const MemoryBaseline base = begin_load();
    std::size_t heap_after_first = 0;
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        ConnSwarm stalled, silent;
        const auto start = std::chrono::steady_clock::now();
        // In batches the accept queue holds, each accepted before the next: all of them are open at once.
        for (std::size_t batch = 0; batch < peers / 250; ++batch) {
            ConnSwarm& swarm = batch % 2 == 0 ? stalled : silent;
            REQUIRE(swarm.open(port, 250) == 250);
            REQUIRE(wait_until([&] { return open_connections() == (batch + 1) * 250; }, 5s));
        }
        CHECK(stalled.send_all(hello) == stalled.size());
        std::this_thread::sleep_for(100ms);  // the last half-hellos read
        const std::size_t heap = heap_in_use_kib();
        const std::size_t per_peer = heap > base.heap_kib ? (heap - base.heap_kib) / peers : 0;
        CHECK(stalled.wait_all_closed(5s) == stalled.size());
        CHECK(silent.wait_all_closed(5s) == silent.size());
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                start).count();
        MESSAGE(peers << " stalled handshakes: heap in use " << base.heap_kib << " -> " << heap << " KiB, "
                      << per_peer << " KiB per connection (server and client in this process); all cut after "
                      << took << " ms");
        if (memory_figures_meaningful()) CHECK(per_peer < per_peer_bound_kib);
        CHECK(took >= 2900);  // by the handshake timeout, not before
        CHECK(wait_until([&] { return open_connections() == 0; }, 5s));
        stalled.close_all();
        silent.close_all();
        if (round == 0) heap_after_first = heap_in_use_kib();
        else if (memory_figures_meaningful()) CHECK(heap_in_use_kib() <= heap_after_first + heap_tolerance_kib);
    }
    expect_back_to_baseline(base, "TLS handshake flood");
    RawClient c;
    REQUIRE(c.connect(port));
    TlsRaw tls;
    CHECK_MESSAGE(tls.handshake(c), tls.error());
    CHECK(server.stop());
}
}
