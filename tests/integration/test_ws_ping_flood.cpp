// A peer cannot make the server queue without bound by any frame it sends: not by pings either (issue 15).
// Every outgoing frame goes through the session's one enqueue step: automatic pongs are coalesced (RFC 6455
// 5.5.3: only the latest ping needs an answer), so a raw client that sends 52 MB of pings and reads nothing
// leaves at most one pong queued, and the server's memory flat; when the buffer is over the cap anyway (the
// application filled it), an owed pong meets the route's policy: Close fails the connection with 1008, Drop
// keeps the answer owed until the queue drains.
#include "support/proc_stats.h"
#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kPayload = 125;                 // the largest control payload
constexpr std::size_t kPongFrame = 2 + kPayload;      // a server's pong: 2-byte header, unmasked
constexpr std::size_t kPingsPerBatch = 8000;          // about 1 MiB of masked 131-byte pings
constexpr int kBatches = 50;                          // about 52 MB in all

// Ping number n: the number in decimal, padded to 125 bytes, so the answer says which ping it answers.
std::string ping_payload(std::size_t n) {
    std::string p = std::to_string(n);
    p.resize(kPayload, '.');
    return p;
}

}  // namespace

TEST_SUITE("ws ping flood") {
TEST_CASE("52 MB of pings from a client that never reads: one pong queued at most, memory flat, latest answered") {
    std::atomic<std::size_t> pings_seen{0}, max_buffered{0};
    WsEventLog log;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        // The default cap (16 MiB) and policy (Close), as in the report that found the flood.
        duplex::WsRoute r{.onping = [&](duplex::WebSocket& ws, std::string_view) {
            ++pings_seen;
            max_buffered = std::max(max_buffered.load(), ws.buffered_amount());
        }};
        log.attach(r);
        wss.route("/flood", std::move(r));
    });
    WsRawClient c(server.ws_port());
    REQUIRE(c.open("/flood"));
    const std::size_t rss_before = rss_bytes();

    std::size_t sent = 0;
    for (int b = 0; b < kBatches; ++b) {
        std::string batch;
        batch.reserve(kPingsPerBatch * (kPongFrame + 4));
        for (std::size_t i = 0; i < kPingsPerBatch; ++i) batch += ws_frame(ping_payload(sent++), {.opcode = op::ping});
        REQUIRE(c.send(batch));  // the server keeps reading: every batch goes out
    }
    const auto give_up = Clock::now() + 60s;
    while (pings_seen < sent && Clock::now() < give_up) std::this_thread::sleep_for(10ms);
    REQUIRE(pings_seen == sent);

    const std::size_t cap = duplex::WsOptions{}.max_buffered_bytes, most = max_buffered;
    INFO("server buffered at most " << most << " bytes for " << sent << " pings");
    CHECK(most <= cap);
    CHECK(most <= kPongFrame);  // the coalescing bound: one pong waiting, never two
    const std::size_t rss_after = rss_bytes();
    INFO("RSS before " << rss_before / 1024 << " KiB, after " << rss_after / 1024 << " KiB");
    // 52 MB went in; before coalescing the server kept 47 MB of pongs.
    if (memory_figures_meaningful()) CHECK(rss_after < rss_before + 8 * 1024 * 1024);

    // The connection is open and, once the client reads, the latest ping is answered; the others were
    // coalesced into far fewer pongs.
    const std::string last = ping_payload(sent - 1);
    std::size_t pongs = 0;
    bool answered = false;
    while (!answered) {
        auto f = c.read_frame(10s);
        REQUIRE(f);
        REQUIRE(f->opcode == op::pong);
        CHECK(f->rsv == 0);
        ++pongs;
        answered = f->payload == last;
    }
    INFO(pongs << " pongs for " << sent << " pings");
    CHECK(pongs < sent / 10);
    CHECK(c.send_frame(close_payload(1000), {.opcode = op::close}));
    auto echoed = c.read_close();
    REQUIRE(echoed);
    CHECK(echoed->close_code() == 1000);
    c.raw().close();  // the server waits for our FIN after its Close
    auto r = log.wait_closed("/flood");
    REQUIRE(r);
    CHECK(r->code == 1000);
    CHECK(r->errors == 0);
}

// The application fills the buffer to exactly the cap while the client reads nothing; then one ping.
struct FullBuffer {
    static constexpr std::size_t kCap = 256 * 1024;
    std::atomic<bool> full{false};
    std::atomic<std::size_t> buffered_when_full{0};
    std::atomic<bool> send_closed{false};
    duplex::WebSocket conn;  // loop thread only
    WsEventLog log;
    ServerThread server;

    explicit FullBuffer(duplex::BackpressurePolicy policy)
        : server([this, policy](duplex::App& app, duplex::WsServer& wss) {
              duplex::WsRoute r{
                  .onmessage = [this, &app](duplex::WebSocket& ws, const duplex::Message&) {
                      conn = ws;
                      fill(app.loop(), ws);
                  },
                  // A failed connection's Close cannot reach a peer that reads nothing: give up on it soon.
                  .options = {.max_buffered_bytes = kCap, .backpressure = policy, .high_water_bytes = kCap,
                              .close_timeout = std::chrono::milliseconds(300)}};
              log.attach(r);
              wss.route("/full", std::move(r));
          }) {}

    // Tops the buffer up to the cap every millisecond (frame headers counted) until a whole turn passes in
    // which the kernel took nothing: then the buffer stays where it is, since the client reads nothing.
    void fill(duplex::EventLoop& loop, duplex::WebSocket ws) {
        auto timer = std::make_shared<duplex::TimerId>(0);
        auto left_at = std::make_shared<std::size_t>(0);
        *timer = loop.set_interval(1ms, [this, &loop, ws, timer, left_at]() mutable {
            if (ws.ready_state() != duplex::ReadyState::Open) {
                loop.clear_timer(*timer);
                return;
            }
            if (*left_at != 0 && ws.buffered_amount() == *left_at) {
                buffered_when_full = *left_at;
                full = true;
                loop.clear_timer(*timer);
                return;
            }
            for (std::size_t room = kCap - ws.buffered_amount(); room >= 2; room = kCap - ws.buffered_amount()) {
                // A payload of 126..65535 bytes takes a 4-byte header, up to 125 a 2-byte one.
                const std::size_t n =
                    room >= 130 ? std::min<std::size_t>(room - 4, 16384) : std::min<std::size_t>(room - 2, 100);
                if (ws.send_binary(std::string(n, 'f')) == duplex::SendResult::Closed) send_closed = true;
            }
            *left_at = ws.buffered_amount();
        });
    }
};

TEST_CASE("a ping while the application's data fills the buffer to the cap: policy Close fails it with 1008") {
    FullBuffer s(duplex::BackpressurePolicy::Close);
    WsRawClient c(s.server.ws_port());
    REQUIRE(c.open("/full"));
    REQUIRE(c.send_text("fill"));
    for (int i = 0; i < 1000 && !s.full; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(s.full);
    CHECK_FALSE(s.send_closed);
    CHECK(s.buffered_when_full >= FullBuffer::kCap - 1);
    CHECK(s.buffered_when_full <= FullBuffer::kCap);
    REQUIRE(c.send_frame("any", {.opcode = op::ping}));
    auto r = s.log.wait_closed("/full", 5s);
    REQUIRE(r);
    CHECK(r->code == 1008);
    CHECK(r->errors == 1);
}

TEST_CASE("a ping while the application's data fills the buffer to the cap: policy Drop answers after the drain") {
    FullBuffer s(duplex::BackpressurePolicy::Drop);
    WsRawClient c(s.server.ws_port());
    REQUIRE(c.open("/full"));
    REQUIRE(c.send_text("fill"));
    for (int i = 0; i < 1000 && !s.full; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(s.full);
    REQUIRE(c.send_frame("first", {.opcode = op::ping}));
    REQUIRE(c.send_frame("latest", {.opcode = op::ping}));
    std::this_thread::sleep_for(200ms);  // both pings read and handled
    // Nothing was added past the cap, and the connection is open.
    std::size_t buffered = 0;
    duplex::ReadyState state{};
    REQUIRE(s.server.run_on_loop([&] {
        buffered = s.conn.buffered_amount();
        state = s.conn.ready_state();
    }));
    CHECK_FALSE(s.send_closed);
    CHECK(buffered <= FullBuffer::kCap);
    CHECK(state == duplex::ReadyState::Open);
    // Read everything: the data, then the answer to the latest ping (the first one was coalesced away).
    std::vector<std::string> pongs;
    for (;;) {
        auto f = c.read_frame(10s);
        REQUIRE(f);
        REQUIRE(f->opcode != op::close);
        if (f->opcode != op::pong) continue;
        pongs.push_back(f->payload);
        if (f->payload == "latest") break;
    }
    CHECK(pongs == std::vector<std::string>{"latest"});
    CHECK(c.send_frame(close_payload(1000), {.opcode = op::close}));
    auto echoed = c.read_close();
    REQUIRE(echoed);
    CHECK(echoed->close_code() == 1000);
    c.raw().close();
    auto r = s.log.wait_closed("/full");
    REQUIRE(r);
    CHECK(r->code == 1000);
}
}
