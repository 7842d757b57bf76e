// duplex::Cluster under ThreadSanitizer: every path that crosses threads. Publish from each loop thread and from
// foreign threads (Cluster::publish, Cluster::post), subscribe / unsubscribe racing publishes, the hand-off of
// accepted connections, and a shutdown while foreign threads keep publishing.
#include "support/cluster_chat.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("tsan_cluster") {

TEST_CASE("publish from every loop thread and from foreign threads, over both ways of listening") {
    for (bool handoff : {false, true}) {
        CAPTURE(handoff);
        constexpr std::size_t clients = 16;
        constexpr int rounds = 20;
        ClusterChat chat({.threads = 4, .handle_signals = false, .force_handoff = handoff});
        REQUIRE(chat.port() != 0);
        ChatSwarm swarm(chat.port(), clients);
        REQUIRE(swarm.open_count() == clients);
        // Senders 0..3: the loop threads (posted from foreign threads); 4..7: foreign threads publishing directly.
        std::vector<std::thread> publishers;
        for (unsigned t = 0; t < 4; ++t) {
            publishers.emplace_back([&chat, t] {
                for (int k = 0; k < rounds; ++k)
                    chat.cluster().post(t, [&chat, t, k] { chat.worker(t).publish("all", std::to_string(t) + ":" + std::to_string(k)); });
            });
            publishers.emplace_back([&chat, t] {
                for (int k = 0; k < rounds; ++k) chat.cluster().publish("all", std::to_string(t + 4) + ":" + std::to_string(k));
            });
        }
        for (auto& p : publishers) p.join();
        swarm.wait_received(clients * 8 * rounds, 30s);
        CHECK(swarm.received() == clients * 8 * rounds);
        CHECK(swarm.out_of_order() == 0);
        auto stats = chat.thread_stats();
        CHECK(stats.size() == 4);
        chat.cluster().stop();
        swarm.wait_closed(20s);
        CHECK(chat.stop() == 0);
        CHECK(swarm.close_codes()[1001] == clients);
    }
}

TEST_CASE("subscribe and unsubscribe race publishes from a foreign thread") {
    constexpr std::size_t clients = 12;
    ClusterChat chat({.threads = 4, .handle_signals = false});
    REQUIRE(chat.port() != 0);
    ChatSwarm swarm(chat.port(), clients);
    REQUIRE(swarm.open_count() == clients);
    std::atomic<bool> done{false};
    std::thread publisher([&] {
        for (int k = 0; !done && k < 20000; ++k) chat.cluster().publish("all", "x");
    });
    for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < clients; ++i) swarm.send(i, round % 2 ? "join" : "leave");
        swarm.run_for(10ms);
    }
    done = true;
    publisher.join();
    chat.cluster().stop();
    swarm.wait_closed(20s);
    CHECK(chat.stop() == 0);
    CHECK(swarm.close_codes()[1001] == clients);
}

TEST_CASE("shutdown while clients and foreign threads keep publishing: every client gets 1001, run() returns 0") {
    constexpr std::size_t clients = 24;
    ClusterChat chat({.threads = 4, .handle_signals = false});
    REQUIRE(chat.port() != 0);
    ChatSwarm swarm(chat.port(), clients);
    REQUIRE(swarm.open_count() == clients);
    std::atomic<bool> done{false};
    std::vector<std::thread> publishers;
    for (int t = 0; t < 2; ++t)
        publishers.emplace_back([&] {
            for (int k = 0; !done && k < 20000; ++k) chat.cluster().publish("all", "x");
        });
    swarm.flood_until_closed([&] { chat.cluster().stop(); }, 30s);
    done = true;
    for (auto& p : publishers) p.join();
    CHECK(chat.stop() == 0);
    CHECK(swarm.closed() == clients);
    CHECK(swarm.close_codes()[1001] == clients);
}

}  // TEST_SUITE
