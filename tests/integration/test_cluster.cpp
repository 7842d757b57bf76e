// duplex::Cluster: N loop threads on one port. 4 threads x 1,000 WebSocket clients all publishing: every message
// reaches every subscriber exactly once, in each sender's order, whatever thread holds sender and receiver; the
// connections are spread over the threads (SO_REUSEPORT, and thread 0 handing them out in turn); publish from each
// thread and from a foreign thread; shutdown under load gives every client 1001 and run() returns 0.
#include "support/cluster_chat.h"
#include "support/proc_stats.h"
#include "support/skip.h"

#include <doctest/doctest.h>

#include <atomic>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

constexpr unsigned kThreads = 4;
constexpr std::size_t kClients = 1000;  // the size: a million deliveries per round of messages
constexpr int kMessages = 2;            // two per sender: enough to see each sender's order

std::string spread(const std::vector<duplex::ThreadStats>& stats) {
    std::ostringstream out;
    for (const auto& t : stats) out << " thread " << t.thread << ": " << t.ws_connections;
    return out.str();
}

void all_publishing(bool handoff) {
    // Both ends live in this process: a descriptor per client and one per server connection, plus the rest.
    if (!raise_fd_limit(2 * kClients + 256)) DUPLEX_SKIP("RLIMIT_NOFILE cannot be raised to 2,256");
    ClusterChat chat({.threads = kThreads, .handle_signals = false, .force_handoff = handoff});
    REQUIRE(chat.port() != 0);
    CHECK(chat.cluster().handing_off() == handoff);
    ChatSwarm swarm(chat.port(), kClients);
    REQUIRE(swarm.open_count() == kClients);

    auto stats = chat.thread_stats();
    REQUIRE(stats.size() == kThreads);
    MESSAGE(std::string(handoff ? "hand-off" : "SO_REUSEPORT") << ", connections per thread:" << spread(stats));
    std::uint64_t total = 0;
    for (const auto& t : stats) {
        CHECK(t.ws_connections > 0);  // every thread holds some
        total += t.ws_connections;
    }
    CHECK(total == kClients);
    if (handoff)  // in turn: an equal share each
        for (const auto& t : stats) CHECK(t.ws_connections == kClients / kThreads);

    const auto exchanged = std::chrono::steady_clock::now();
    swarm.exchange(kMessages);
    MESSAGE(swarm.received() << " deliveries in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - exchanged).count()
            << " ms");
    CHECK(swarm.received() == std::uint64_t(kClients) * kClients * kMessages);
    CHECK(swarm.out_of_order() == 0);
    CHECK(swarm.closed() == 0);

    // Shutdown under load: every client keeps publishing while the cluster stops; all of it within the servers'
    // shutdown_timeout (5 s), which would cut the closing handshakes short (1006) if it were reached.
    auto started = std::chrono::steady_clock::now();
    swarm.flood_until_closed([&] { chat.cluster().stop(); });
    CHECK(chat.stop() == 0);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(swarm.closed() == kClients);
    CHECK(swarm.close_codes()[1001] == kClients);
    CHECK(swarm.out_of_order() == 0);
}

}  // namespace

TEST_SUITE("cluster") {

TEST_CASE("4 threads, SO_REUSEPORT: 1,000 clients all publishing get every message once, in order; shutdown 1001") {
    all_publishing(false);
}

TEST_CASE("4 threads, thread 0 hands connections out: the same results") { all_publishing(true); }

TEST_CASE("publish from every loop thread and from a foreign thread reaches every client on every thread") {
    constexpr std::size_t clients = 8;
    ClusterChat chat({.threads = kThreads, .handle_signals = false});
    REQUIRE(chat.port() != 0);
    ChatSwarm swarm(chat.port(), clients);
    REQUIRE(swarm.open_count() == clients);
    // Senders 0..3 are the loop threads, sender 4 a thread of the test's; two messages each, in order.
    for (int k = 0; k < 2; ++k) {
        for (unsigned i = 0; i < kThreads; ++i)
            REQUIRE(chat.run_on(i, [&chat, i, k] {
                chat.worker(i).publish("all", std::to_string(i) + ":" + std::to_string(k));
            }));
        std::thread foreign([&chat, k] { chat.cluster().publish("all", "4:" + std::to_string(k)); });
        foreign.join();
    }
    swarm.wait_received(clients * 5 * 2);
    CHECK(swarm.received() == clients * 5 * 2);
    CHECK(swarm.out_of_order() == 0);
    chat.cluster().stop();
    swarm.wait_closed();
    CHECK(chat.stop() == 0);
    CHECK(swarm.close_codes()[1001] == clients);
}

TEST_CASE("one thread: run() is the body on the calling thread, publish stays local, stop ends it") {
    ClusterChat chat({.threads = 1, .handle_signals = false});
    REQUIRE(chat.port() != 0);
    CHECK(chat.cluster().thread_count() == 1);
    ChatSwarm swarm(chat.port(), 3);
    REQUIRE(swarm.open_count() == 3);
    swarm.exchange(2);
    CHECK(swarm.received() == 3 * 3 * 2);
    CHECK(swarm.out_of_order() == 0);
    chat.cluster().stop();
    swarm.wait_closed();
    CHECK(chat.stop() == 0);
    CHECK(swarm.close_codes()[1001] == 3);
}

TEST_CASE("a body that fails (a port in use, an exception) stops every thread; run() returns its code") {
    for (int failing : {0, 2}) {
        CAPTURE(failing);
        duplex::Cluster cluster({.threads = kThreads, .handle_signals = false});
        std::atomic<bool> finished{false};
        int rc = -1;
        std::thread runner([&] {
            rc = cluster.run([&](duplex::Worker& w) -> int {
                duplex::App app(w.loop());
                if (w.listen(app, {.host = "127.0.0.1", .port = 0}) != 0) return 2;
                if (static_cast<int>(w.index()) == failing) {
                    if (failing == 2) throw std::runtime_error("setup failed");
                    return 3;
                }
                return w.run();
            });
            finished = true;
        });
        for (int i = 0; i < 1000 && !finished; ++i) std::this_thread::sleep_for(10ms);
        CHECK(finished);
        if (!finished) cluster.stop();
        runner.join();
        CHECK(rc == (failing == 2 ? 1 : 3));
    }
}

}  // TEST_SUITE
