/// @file
/// duplex::EventLoop: one libuv loop, the thread that runs it, and the only thread-safe door into it (post).
///
/// Lifetime: create it first and destroy it last: every App, WsServer and WebSocket client refers to it.
/// Threads: every method except post() must be called on the thread that calls run() (or before run()).
/// post() may be called from any thread at any time while the EventLoop object exists.
/// Process-wide effect: constructing an EventLoop ignores SIGPIPE (a vanished peer is an error on its
/// connection, never a reason for the process to die).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>

struct uv_loop_s;

namespace duplex {


/// Identifies a timer made by set_timeout/set_interval; 0 is never a valid id.
using TimerId = std::uint64_t;

/// One libuv loop and the thread that runs it. See the file comment for its lifetime and threads.
class EventLoop {
public:
    /// A new loop (nothing runs until run()).
    EventLoop();
    /// Closes the loop's own handles and runs functions still posted.
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Runs until nothing is left to do: every listener closed, every connection gone, no timer pending.
    /// Internal handles (post queue, signals) never keep it alive, so closing your servers is how a program ends.
    /// Returns 0 on a normal end.
    int run();

    /// Makes run() return at the end of the current iteration, even with work pending (abrupt stop).
    void stop();

    /// Thread-safe: queues fn to run on the loop thread, in order of posting. Functions posted after the loop
    /// has finished running are run by the destructor. Exceptions thrown by fn are caught and logged.
    void post(std::function<void()> fn);

    /// Calls fn(signum) on the loop thread when one of the signals arrives. Replaces an earlier handler for
    /// the same signal.
    void on_signal(std::initializer_list<int> signals, std::function<void(int)> fn);

    /// One-shot and repeating timers on the loop thread. A timer keeps run() alive unless `unref` is true.
    ///@{
    TimerId set_timeout(std::chrono::milliseconds delay, std::function<void()> fn, bool unref = false);
    TimerId set_interval(std::chrono::milliseconds period, std::function<void()> fn, bool unref = false);
    ///@}
    /// Cancelling an unknown or finished timer is a no-op.
    void clear_timer(TimerId id);

    /// Milliseconds of the loop's cached monotonic clock.
    std::uint64_t now_ms() const;

    /// Escape hatch to the underlying libuv loop, for code that adds its own libuv handles.
    uv_loop_s* native() const;

private:
    struct Core;  // the loop's machinery, private to the library
    std::unique_ptr<Core> core_;
};

}  // namespace duplex
