// Topics: subscribe / unsubscribe / publish, and a subscriber that never reads. Its backpressure policy
// applies to it alone (Drop: it misses messages but stays open with a bounded buffer; Close: it is closed with
// 1008) while the other subscribers receive every message, in order, without delay.
#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"

#include <duplex/testing.h>

#include <doctest/doctest.h>

#include <map>
#include <mutex>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kCap = 1 << 20;
constexpr std::size_t kMessage = 64 * 1024;
constexpr int kBatches = 40, kPerBatch = 8;  // 20 MiB to every subscriber

struct TopicServer {
    std::mutex mutex;
    std::map<std::string, duplex::WebSocket> by_url;
    WsEventLog log;
    ServerThread server{[this](duplex::App&, duplex::WsServer& wss) {
        auto join = [this](duplex::WebSocket& ws, const duplex::Request&) {
            ws.subscribe("news");
            std::lock_guard<std::mutex> lock(mutex);
            by_url[ws.url()] = ws;
        };
        auto commands = [](duplex::WebSocket& ws, const duplex::Message& m) {
            if (m.data == "leave") ws.send(ws.unsubscribe("news") ? "left" : "not subscribed");
            if (m.data == "join") ws.send(ws.subscribe("news") ? "joined" : "already");
        };
        for (auto policy : {duplex::BackpressurePolicy::Drop, duplex::BackpressurePolicy::Close}) {
            duplex::WsRoute r{.onopen = join,
                              .onmessage = commands,
                              .options = {.max_buffered_bytes = kCap, .backpressure = policy,
                                          .close_timeout = 300ms}};
            log.attach(r);
            wss.route(policy == duplex::BackpressurePolicy::Drop ? "/drop" : "/close", std::move(r));
        }
    }};

    // Publishes on the loop thread; returns how many subscribers accepted the message.
    std::size_t publish(const std::string& message) { return publish_batch({message}, "").first; }
    // Publishes the messages in one loop turn; returns the fewest subscribers that accepted one of them and
    // the buffered amount of `watched` afterwards.
    std::pair<std::size_t, std::size_t> publish_batch(const std::vector<std::string>& messages,
                                                      const std::string& watched) {
        std::size_t fewest = SIZE_MAX, buffered = 0;
        REQUIRE(server.run_on_loop([&] {
            for (const std::string& m : messages) fewest = std::min(fewest, server.wss().publish("news", m));
            std::lock_guard<std::mutex> lock(mutex);
            if (!watched.empty()) buffered = by_url[watched].buffered_amount();
        }));
        return {fewest, buffered};
    }
    duplex::ReadyState state(const std::string& url) {
        duplex::ReadyState st{};
        REQUIRE(server.run_on_loop([&] {
            std::lock_guard<std::mutex> lock(mutex);
            st = by_url[url].ready_state();
        }));
        return st;
    }
};

std::string numbered(int n) {
    std::string m = "news " + std::to_string(n) + "|";
    m.resize(kMessage, '.');
    return m;
}

}  // namespace

TEST_SUITE("ws topics") {
TEST_CASE("subscribe, publish, unsubscribe") {
    // In-process: the server and duplex::testing::TestClient share this thread's loop, so publish() is a plain call.
    duplex::EventLoop loop;
    duplex::App app(loop);
    duplex::WsServer wss(loop);
    wss.route("/drop", {.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("news"); },
                        .onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) {
                            if (m.data == "leave") ws.send(ws.unsubscribe("news") ? "left" : "not subscribed");
                            if (m.data == "join") ws.send(ws.subscribe("news") ? "joined" : "already");
                        }});
    duplex::testing::TestClient client(app, wss);
    auto a = client.ws("/drop?a");
    auto b = client.ws("/drop?b");
    CHECK(wss.publish("news", "one") == 2);
    CHECK(a.next_message() == "one");
    CHECK(b.next_message() == "one");
    b.send("join");
    CHECK(b.next_message() == "already");
    b.send("leave");
    CHECK(b.next_message() == "left");
    CHECK(wss.publish("news", "two") == 1);
    CHECK(a.next_message() == "two");
    b.send("leave");
    CHECK(b.next_message() == "not subscribed");  // and not "two"
    a.close();
    a.wait_closed();
    CHECK(wss.publish("news", "three") == 0);  // the server answered a's Close: a is gone from the topic
    b.close();
    b.wait_closed();
}

TEST_CASE("a subscriber that never reads slows nobody: Drop bounds it, Close closes it with 1008") {
    TopicServer s;
    const int port = s.server.ws_port();
    std::vector<std::unique_ptr<WsRawClient>> fast;
    for (int i = 0; i < 3; ++i) {
        fast.push_back(std::make_unique<WsRawClient>(port));
        REQUIRE(fast.back()->open("/drop?fast" + std::to_string(i)));
    }
    WsRawClient slow_drop(port), slow_close(port);  // they never read
    REQUIRE(slow_drop.open("/drop?slow"));
    REQUIRE(slow_close.open("/close?slow"));

    const auto start = std::chrono::steady_clock::now();
    std::size_t fewest = 99, max_slow_buffer = 0;
    bool in_order = true;
    for (int batch = 0; batch < kBatches; ++batch) {
        std::vector<std::string> messages;
        for (int i = 0; i < kPerBatch; ++i) messages.push_back(numbered(batch * kPerBatch + i));
        auto [accepted, slow_buffer] = s.publish_batch(messages, "/drop?slow");
        fewest = std::min(fewest, accepted);
        max_slow_buffer = std::max(max_slow_buffer, slow_buffer);
        for (auto& c : fast)
            for (const std::string& m : messages) in_order = in_order && c->read_message() == m;
        REQUIRE(in_order);
    }
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(fewest >= fast.size());  // every fast subscriber accepted every message
    CHECK(max_slow_buffer <= kCap + kMessage);
    CHECK(s.state("/drop?slow") == duplex::ReadyState::Open);
    auto closed = s.log.wait_closed("/close?slow", 3s);
    REQUIRE(closed);
    CHECK(closed->code == 1008);
    CHECK_FALSE(closed->was_clean);
}
}
