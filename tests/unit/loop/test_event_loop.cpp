// EventLoop through its public API: post() from other threads (every function runs once, on the loop thread,
// in each thread's posting order; an exception is contained; functions posted after run() are run by the
// destructor), timers (one-shot, interval, clear, unref) and on_signal (delivery on the loop thread, replacement).
// Every run is bounded by a guard timer that stops the loop.
#include <doctest/doctest.h>

#include <duplex/event_loop.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Stops the loop after `bound` whatever happens, so a broken loop fails the test instead of hanging it.
duplex::TimerId guard(duplex::EventLoop& loop, std::atomic<bool>& fired, std::chrono::milliseconds bound = 10s) {
    return loop.set_timeout(bound, [&loop, &fired] {
        fired = true;
        loop.stop();
    });
}

}  // namespace

TEST_SUITE("loop") {
TEST_CASE("post from four threads: each function runs once, on the loop thread, in each thread's order") {
    duplex::EventLoop loop;
    constexpr int kThreads = 4, kEach = 2000;
    std::vector<int> last(kThreads, -1);
    int ran = 0, out_of_order = 0, off_thread = 0;
    const std::thread::id loop_thread = std::this_thread::get_id();  // run() is called on this thread
    std::atomic<bool> timed_out{false};
    const duplex::TimerId g = guard(loop, timed_out);
    // Keeps run() going until every post arrived (posts alone never keep it alive).
    duplex::TimerId waiter = 0;
    waiter = loop.set_interval(1ms, [&] {
        if (ran == kThreads * kEach) {
            loop.clear_timer(waiter);
            loop.clear_timer(g);
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                loop.post([&, t, i] {
                    if (std::this_thread::get_id() != loop_thread) ++off_thread;
                    if (i != last[t] + 1) ++out_of_order;
                    last[t] = i;
                    ++ran;
                });
            }
        });
    }
    CHECK(loop.run() == 0);
    for (auto& t : threads) t.join();
    CHECK_FALSE(timed_out);
    CHECK(ran == kThreads * kEach);
    CHECK(out_of_order == 0);
    CHECK(off_thread == 0);
}

TEST_CASE("a posted function that throws is contained; the next one still runs") {
    duplex::EventLoop loop;
    int after = 0;
    loop.post([] { throw std::runtime_error("posted failure (expected in this test)"); });
    loop.post([&] { ++after; });
    CHECK(loop.run() == 0);
    CHECK(after == 1);
}

TEST_CASE("functions posted after run() returned are run by the destructor") {
    int ran = 0;
    {
        duplex::EventLoop loop;
        CHECK(loop.run() == 0);
        std::thread([&] { loop.post([&] { ++ran; }); }).join();
        CHECK(ran == 0);
    }
    CHECK(ran == 1);
}

TEST_CASE("timers: one-shot after its delay, interval until cleared, clear before firing, unref") {
    duplex::EventLoop loop;
    const auto start = Clock::now();
    // Deadlines count from the loop's cached clock (now_ms), which may lag the wall clock by a little.
    const std::uint64_t set_at = loop.now_ms();
    std::uint64_t one_shot_after = 0;
    int one_shots = 0, ticks = 0, cancelled = 0, unref_fired = 0;
    loop.set_timeout(50ms, [&] {
        ++one_shots;
        one_shot_after = loop.now_ms() - set_at;
    });
    duplex::TimerId interval = 0;
    interval = loop.set_interval(10ms, [&] {
        if (++ticks == 5) loop.clear_timer(interval);
    });
    const duplex::TimerId never = loop.set_timeout(30ms, [&] { ++cancelled; });
    loop.clear_timer(never);
    loop.clear_timer(never);       // twice: a no-op
    loop.clear_timer(123456789);   // unknown: a no-op
    loop.set_timeout(5s, [&] { ++unref_fired; }, true);  // must not keep run() alive
    CHECK(loop.run() == 0);
    const auto took = Clock::now() - start;
    CHECK(one_shots == 1);
    CHECK(one_shot_after >= 50);
    CHECK(ticks == 5);
    CHECK(cancelled == 0);
    CHECK(unref_fired == 0);
    CHECK(took < 4s);  // run() ended with the last ref'd timer, not the unref'd one
}

TEST_CASE("timers fire in order of their deadlines, and one may set another") {
    duplex::EventLoop loop;
    std::vector<int> order;
    // A timer set from a callback counts from the loop's time then: far apart deadlines keep the order when a
    // loaded machine wakes the loop late (woken at 35 ms, a 30 ms timer is due before one set then for 5 ms).
    loop.set_timeout(250ms, [&] { order.push_back(3); });
    loop.set_timeout(10ms, [&] {
        order.push_back(1);
        loop.set_timeout(5ms, [&] { order.push_back(2); });
    });
    CHECK(loop.run() == 0);
    CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("on_signal: the handler runs on the loop thread; a second on_signal replaces the first") {
    duplex::EventLoop loop;
    std::atomic<bool> timed_out{false};
    const duplex::TimerId g = guard(loop, timed_out);
    const std::thread::id loop_thread = std::this_thread::get_id();  // run() is called on this thread
    int first = 0, second = 0, got_signal = 0;
    bool on_loop_thread = false;
    loop.on_signal({SIGUSR1}, [&](int) { ++first; });
    loop.on_signal({SIGUSR1, SIGUSR2}, [&](int signum) {
        ++second;
        got_signal = signum;
        on_loop_thread = std::this_thread::get_id() == loop_thread;
        loop.clear_timer(g);
    });
    // Raised from another thread once the loop runs: delivery goes through libuv to the loop thread.
    loop.set_timeout(10ms, [] { std::thread([] { ::kill(::getpid(), SIGUSR1); }).join(); });
    CHECK(loop.run() == 0);
    CHECK_FALSE(timed_out);
    CHECK(first == 0);
    CHECK(second == 1);
    CHECK(got_signal == SIGUSR1);
    CHECK(on_loop_thread);
}
}
