// EventLoop::post from other threads, under ThreadSanitizer: the only thread-safe call of the framework.
// Posted functions run on the loop thread, once each, in each posting thread's order; a request handler can
// hand work to worker threads that post the answer back; functions posted until the loop ends all run.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("tsan_post") {

TEST_CASE("4 threads post 10,000 functions each while the loop runs: once each, on the loop, in order") {
    constexpr int producers = 4, per_producer = 10000;
    duplex::EventLoop loop;
    std::thread::id loop_thread;
    // Loop-thread state, deliberately not atomic: TSan reports any access from another thread.
    std::vector<int> last_seen(producers, -1);
    int ran = 0, out_of_order = 0, off_loop = 0;
    // A repeating timer keeps run() alive until everything has arrived (posts alone do not).
    duplex::TimerId timer = loop.set_interval(5ms, [&] {
        if (ran == producers * per_producer) loop.clear_timer(timer);
    });
    std::thread runner([&] {
        loop_thread = std::this_thread::get_id();
        loop.run();
    });
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i)
                loop.post([&, p, i] {
                    if (std::this_thread::get_id() != loop_thread) ++off_loop;
                    if (i != last_seen[p] + 1) ++out_of_order;
                    last_seen[p] = i;
                    ++ran;
                });
        });
    for (auto& t : threads) t.join();
    runner.join();
    CHECK(ran == producers * per_producer);
    CHECK(out_of_order == 0);
    CHECK(off_loop == 0);
}

TEST_CASE("handlers hand work to worker threads, which post the answers back to the loop") {
    constexpr int clients = 4, requests = 50;
    std::map<int, duplex::Response> waiting;  // loop thread only: Responses never leave it
    int next_id = 0;
    std::vector<std::thread> workers;        // started on the loop thread, joined after the server stops
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        duplex::EventLoop& loop = app.loop();
        app.get("/square/:n", [&](duplex::Request& req, duplex::Response& res) {
            int id = next_id++;
            waiting.emplace(id, res);
            int n = std::stoi(std::string(req.param("n")));
            workers.emplace_back([&loop, &waiting, id, n] {
                int square = n * n;  // the "slow" work, off the loop
                loop.post([&waiting, id, square] {
                    auto it = waiting.find(id);
                    it->second.send(std::to_string(square));
                    waiting.erase(it);
                });
            });
        });
    }, {}, false);
    REQUIRE(server.http_port() > 0);
    std::atomic<int> right{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            RawClient client(server.http_port());
            for (int i = 0; i < requests; ++i) {
                int n = c * 100 + i;
                if (!client.send("GET /square/" + std::to_string(n) + " HTTP/1.1\r\nHost: x\r\n\r\n")) return;
                auto r = client.read_response(5s);
                if (r && r->status == 200 && r->body == std::to_string(n * n)) ++right;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(right == clients * requests);
    CHECK(server.stop());
    for (auto& w : workers) w.join();
    CHECK(waiting.empty());
}

TEST_CASE("functions posted while the loop ends and after it ended all run (the rest by the destructor)") {
    constexpr int producers = 3, per_producer = 2000;
    std::atomic<int> ran{0};
    {
        duplex::EventLoop loop;
        loop.set_timeout(20ms, [] {});  // the loop ends after 20 ms, while posts keep coming
        std::thread runner([&] { loop.run(); });
        std::vector<std::thread> threads;
        for (int p = 0; p < producers; ++p)
            threads.emplace_back([&] {
                for (int i = 0; i < per_producer; ++i) {
                    loop.post([&] { ++ran; });
                    if (i % 200 == 0) std::this_thread::sleep_for(5ms);
                }
            });
        for (auto& t : threads) t.join();
        runner.join();
    }  // ~EventLoop runs what is left
    CHECK(ran == producers * per_producer);
}

}  // TEST_SUITE
