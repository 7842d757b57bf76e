// Backpressure (design.md "Backpressure"): a client that never reads while the server tries to send 200 MiB
// keeps the server's buffer within max_buffered_bytes (+ one message) and its memory flat, with either policy
// (Drop: sends refused, connection kept; Close: 1008), while other clients stay responsive; send reports
// Backpressure above the high-water mark and ondrain follows; clients vanishing in the middle of big sends
// harm nothing; a slow but steady reader gets all of a closing connection's output, however long it takes.
#include "support/proc_stats.h"
#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kCap = 4 * kChunk;
constexpr int kFloodChunks = 200;

// The flood of one connection, driven by a timer on the loop thread: 20 sends per tick until 200 MiB
// were offered or the connection is gone. The test thread reads the atomics.
struct Flood {
    std::atomic<std::size_t> max_buffered{0};
    std::atomic<int> offered{0}, accepted{0}, dropped{0}, refused_closed{0};
    std::atomic<bool> done{false};
};

void start_flood(duplex::EventLoop& loop, duplex::WebSocket ws, Flood& flood) {
    auto payload = std::make_shared<std::string>(kChunk, 'f');
    auto timer = std::make_shared<duplex::TimerId>(0);
    *timer = loop.set_interval(1ms, [&loop, ws, &flood, payload, timer]() mutable {
        for (int i = 0; i < 20 && flood.offered < kFloodChunks; ++i) {
            ++flood.offered;
            switch (ws.send_binary(*payload)) {
            case duplex::SendResult::Queued:
            case duplex::SendResult::Backpressure: ++flood.accepted; break;
            case duplex::SendResult::Dropped: ++flood.dropped; break;
            default: ++flood.refused_closed; break;
            }
            flood.max_buffered = std::max<std::size_t>(flood.max_buffered, ws.buffered_amount());
        }
        if (flood.offered >= kFloodChunks || ws.ready_state() != duplex::ReadyState::Open) {
            flood.done = true;
            loop.clear_timer(*timer);
        }
    });
}

struct FloodServer {
    Flood flood;
    WsEventLog log;
    ServerThread server;
    explicit FloodServer(duplex::BackpressurePolicy policy)
        : server([this, policy](duplex::App& app, duplex::WsServer& wss) {
              duplex::WsRoute flooded{
                  .onmessage = [this, &app](duplex::WebSocket& ws, const duplex::Message&) {
                      start_flood(app.loop(), ws, flood);
                  },
                  .options = {.max_buffered_bytes = kCap, .backpressure = policy, .close_timeout = 300ms}};
              duplex::WsRoute echo{.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }};
              log.attach(flooded);
              wss.route("/flood", std::move(flooded));
              wss.route("/echo", std::move(echo));
          }) {}
};

// Round trips of another client while the flood runs (at least 5, at most 10 s); returns the slowest one.
Clock::duration echo_while(WsRawClient& c, const std::atomic<bool>& until_done) {
    Clock::duration worst{};
    const auto give_up = Clock::now() + 10s;
    for (int i = 0; (i < 5 || !until_done) && Clock::now() < give_up; ++i) {
        const auto start = Clock::now();
        const std::string msg = "ping " + std::to_string(i);
        if (!c.send_text(msg) || c.read_message(2s) != msg) return 1h;
        worst = std::max(worst, Clock::now() - start);
    }
    return worst;
}

}  // namespace

TEST_SUITE("ws backpressure") {
TEST_CASE("a client that never reads while 200 MiB are sent: Drop keeps memory bounded, others unaffected") {
    FloodServer s(duplex::BackpressurePolicy::Drop);
    WsRawClient sleeper(s.server.ws_port()), other(s.server.ws_port());
    REQUIRE(sleeper.open("/flood?drop"));
    REQUIRE(other.open("/echo"));
    const std::size_t before = rss_bytes();
    REQUIRE(sleeper.send_text("go"));  // and never read again
    const auto worst = echo_while(other, s.flood.done);
    CHECK(s.flood.done);
    CHECK(worst < 500ms);
    CHECK(s.flood.offered == kFloodChunks);
    CHECK(s.flood.max_buffered <= kCap + kChunk);
    CHECK(s.flood.dropped > 0);
    CHECK(s.flood.refused_closed == 0);  // Drop never closes
    const std::size_t after = rss_bytes();
    INFO("RSS before " << before / 1024 << " KiB, after " << after / 1024 << " KiB");
    if (memory_figures_meaningful()) CHECK(after < before + 48 * kChunk);  // 200 MiB if all were kept
    sleeper.raw().reset();
    auto r = s.log.wait_closed("/flood?drop");
    REQUIRE(r);
    CHECK(r->code == 1006);
}

TEST_CASE("a client that never reads under policy Close is closed with 1008, others unaffected") {
    FloodServer s(duplex::BackpressurePolicy::Close);
    WsRawClient sleeper(s.server.ws_port()), other(s.server.ws_port());
    REQUIRE(sleeper.open("/flood?close"));
    REQUIRE(other.open("/echo"));
    REQUIRE(sleeper.send_text("go"));
    const auto worst = echo_while(other, s.flood.done);
    CHECK(worst < 500ms);
    CHECK(s.flood.done);
    CHECK(s.flood.max_buffered <= kCap + kChunk);
    CHECK(s.flood.refused_closed > 0);
    CHECK(s.flood.offered < kFloodChunks);  // stopped once closed
    // The server gives up on the connection although its Close frame can never be delivered.
    auto r = s.log.wait_closed("/flood?close", 3s);
    REQUIRE(r);
    CHECK(r->code == 1008);
    CHECK_FALSE(r->was_clean);
    CHECK(r->errors == 1);
}

TEST_CASE("send returns Backpressure above the high-water mark, then ondrain fires once") {
    std::atomic<int> drains{0};
    std::atomic<std::size_t> buffered_after_send{0}, buffered_at_drain{1};
    std::atomic<int> result{-1};
    constexpr std::size_t high_water = 64 * 1024, big = 8 * kChunk;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        wss.route("/drain", {
            .onmessage = [&](duplex::WebSocket& ws, const duplex::Message& m) {
                if (m.data == "small") {
                    result = static_cast<int>(ws.send("small"));
                    return;
                }
                result = static_cast<int>(ws.send_binary(std::string(big, 'd')));
                buffered_after_send = ws.buffered_amount();
            },
            .ondrain = [&](duplex::WebSocket& ws) {
                ++drains;
                buffered_at_drain = ws.buffered_amount();
            },
            .options = {.max_buffered_bytes = 4 * big, .high_water_bytes = high_water},
        });
    });
    WsRawClient c(server.ws_port());
    REQUIRE(c.open("/drain"));
    REQUIRE(c.send_text("small"));
    CHECK(c.read_message() == "small");
    CHECK(result == static_cast<int>(duplex::SendResult::Queued));
    REQUIRE(c.send_text("big"));
    auto m = c.read_message(10s);
    REQUIRE(m);
    CHECK(m->size() == big);
    CHECK(result == static_cast<int>(duplex::SendResult::Backpressure));
    CHECK(buffered_after_send >= big);
    for (int i = 0; i < 200 && drains == 0; ++i) std::this_thread::sleep_for(10ms);
    CHECK(drains == 1);
    CHECK(buffered_at_drain <= high_water);
}

TEST_CASE("clients vanishing in the middle of big sends harm neither the server nor the others") {
    WsEventLog log;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        duplex::WsRoute r{
            .onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) {
                if (m.data != "go") {
                    ws.send(m);
                    return;
                }
                const std::string chunk(256 * 1024, 's');
                for (int i = 0; i < 32 && ws.send_binary(chunk) != duplex::SendResult::Closed; ++i) {
                }
            },
            .options = {.max_buffered_bytes = 16 * kChunk}};
        log.attach(r);
        wss.route("/stream", std::move(r));
    });
    constexpr int kClients = 12;
    for (int i = 0; i < kClients; ++i) {
        WsRawClient c(server.ws_port());
        REQUIRE(c.open("/stream?" + std::to_string(i)));
        REQUIRE(c.send_text("go"));
        c.raw().recv_some(200ms);  // part of the stream, then gone: half abruptly (RST), half with a FIN
        if (i % 2 == 0) c.raw().reset();
    }
    CHECK(log.wait_closed_count(kClients));
    for (int i = 0; i < kClients; ++i) {
        auto r = log.wait_closed("/stream?" + std::to_string(i));
        REQUIRE(r);
        CHECK(r->code == 1006);
        CHECK_FALSE(r->was_clean);
    }
    CHECK(log.violations() == "");
    WsRawClient after(server.ws_port());
    REQUIRE(after.open("/stream?after"));
    REQUIRE(after.send_text("still here"));
    CHECK(after.read_message() == "still here");
}

TEST_CASE("a slow but steady reader gets a big echo and the Close, though it takes longer than close_timeout") {
    ServerThread server([](duplex::App&, duplex::WsServer& wss) {
        wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); },
                            .options = {.close_timeout = 300ms}});
    });
    WsRawClient c(server.ws_port());
    REQUIRE(c.open("/echo"));
    // More than the kernel's socket buffers hold, then the Close: the server answers it behind the echo.
    const std::string big(12 * kChunk, 'b');
    REQUIRE(c.send(ws_frame(big, {.opcode = op::binary}) + ws_frame(close_payload(1000), {.opcode = op::close})));
    const std::size_t expected = 10 + big.size() + 4;  // 64-bit length header; Close 1000
    const auto start = Clock::now();
    while (c.raw().buffer().size() < expected && Clock::now() - start < 10s) {
        if (c.raw().recv_some(1s).empty()) break;  // at most 64 KiB a read: about 6 MB/s
        std::this_thread::sleep_for(10ms);
    }
    CHECK(Clock::now() - start > 600ms);  // the reading outlasted close_timeout twice over
    auto echo = c.read_frame(1s);
    REQUIRE(echo);
    CHECK(echo->opcode == op::binary);
    CHECK(echo->payload == big);
    auto close = c.read_frame(1s);
    REQUIRE(close);
    CHECK(close->opcode == op::close);
    CHECK(close->close_code() == 1000);
    CHECK(c.wait_closed(2s));
}
}
