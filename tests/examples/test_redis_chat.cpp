// examples/redis_chat: two processes on one redis-server (started by the test) share their rooms: text and
// binary (1 MiB) cross with their opcode and bytes intact, other rooms hear nothing, and members joining and
// leaving a room (SUBSCRIBE / UNSUBSCRIBE of the process) while messages flow get them in order, once each.
#include "examples/example_process.h"
#include "support/redis_server.h"
#include "support/skip.h"
#include "support/temp_dir.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace testing_support;

namespace {

// A redis_chat process attached to the Redis at url, once it said it is connected.
std::unique_ptr<ExampleProcess> chat_process(const std::string& url) {
    auto p = std::make_unique<ExampleProcess>("redis_chat", std::vector<std::string>{"--redis", url});
    REQUIRE(p->port() > 0);
    REQUIRE(p->line_starting("redis: connected"));
    return p;
}

std::unique_ptr<WsRawClient> member(int port, const std::string& room) {
    auto c = std::make_unique<WsRawClient>(port);
    REQUIRE(c->open("/rooms/" + room));
    return c;
}

}  // namespace

TEST_SUITE("examples") {
TEST_CASE("redis_chat: rooms span two processes; binary stays binary, 1 MiB arrives whole") {
    RedisServer redis;
    if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
    auto a = chat_process(redis.url()), b = chat_process(redis.url());
    auto ada = member(a->port(), "lobby"), bob = member(b->port(), "lobby"), eve = member(b->port(), "other");
    REQUIRE(redis.wait_subscribers("duplex:room:lobby", 2));

    REQUIRE(ada->send_text("hello from A"));
    for (WsRawClient* c : {ada.get(), bob.get()}) {
        auto f = c->read_frame();
        REQUIRE(f);
        CHECK(f->opcode == op::text);
        CHECK(f->payload == "hello from A");
    }
    const std::string big = pattern_bytes(1 << 20, 7);
    REQUIRE(bob->send_binary(big));
    for (WsRawClient* c : {bob.get(), ada.get()}) {
        auto f = c->read_frame(10s);
        REQUIRE(f);
        CHECK(f->opcode == op::binary);
        CHECK(f->payload.size() == big.size());
        CHECK(f->payload == big);
    }
    CHECK(!eve->read_message(300ms));  // another room
    const std::string stats = a->client().get("/redis").send().body;
    CHECK(stats.find("\"state\":\"connected\"") != std::string::npos);
    CHECK(stats.find("\"received\":1") != std::string::npos);
}

TEST_CASE("redis_chat: members join and leave a room while messages flow") {
    RedisServer redis;
    if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
    auto a = chat_process(redis.url()), b = chat_process(redis.url());
    // A publisher on A sends a numbered message every 2 ms; on B nobody stays in the room, so each member who
    // joins subscribes B to it and each who leaves unsubscribes it.
    std::atomic<bool> done{false};
    std::atomic<int> sent{0};
    auto sender = member(a->port(), "flow");
    std::thread publisher([&] {
        for (int i = 0; i < 3000 && !done; ++i) {
            if (!sender->send_text(std::to_string(i))) break;
            sent = i + 1;
            std::this_thread::sleep_for(2ms);
        }
    });
    for (int round = 0; round < 6; ++round) {
        auto m = member(b->port(), "flow");
        int last = -1, got = 0;
        // Each member hears the flow within a second of joining, in order and never twice.
        for (auto msg = m->read_message(2s); msg && got < 20; msg = m->read_message(2s), ++got) {
            const int n = std::stoi(*msg);
            CHECK_MESSAGE(n > last, "round " << round << ": " << n << " after " << last);
            last = n;
        }
        CHECK_MESSAGE(got == 20, "round " << round);
    }
    done = true;
    publisher.join();
    CHECK(sent > 0);
}
}
