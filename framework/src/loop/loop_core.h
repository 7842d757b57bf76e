// LoopCore: the per-loop machinery the network layer shares: the read buffer, the write-flush list, the spare
// socket outputs, the coarse deadline clock, the cached Date header and the post queue.
//
// Lifetime: owned by EventLoop, lives exactly as long as it. Threads: loop thread only, except post_*().
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace duplex::detail {

class Socket;
struct SocketOutput;

class LoopCore {
public:
    LoopCore();
    ~LoopCore();
    LoopCore(const LoopCore&) = delete;
    LoopCore& operator=(const LoopCore&) = delete;

    uv_loop_t* uv() { return &loop_; }
    static LoopCore& of(uv_loop_t* loop) { return *static_cast<LoopCore*>(loop->data); }

    // One read buffer for every socket on the loop: reads are handled synchronously in the read callback,
    // so no connection needs a buffer of its own while idle.
    char* read_buffer() { return read_buffer_.data(); }
    std::size_t read_buffer_size() const { return read_buffer_.size(); }

    // Sockets with bytes queued this iteration; flushed once per loop turn (one write per socket).
    void mark_dirty(Socket* s);
    void forget_dirty(Socket* s);
    void flush_dirty();

    // Output buffers for sockets that have something to write. Sockets give theirs back when idle; up to
    // max_spare_outputs wait here for the next writer, so a busy loop writes without a malloc per message.
    // Spares are trimmed to SocketOutput::spare_capacity on the tick: after a burst the loop keeps under ~0.6 MiB.
    std::unique_ptr<SocketOutput> take_output();
    // trim: shrink its buffers to SocketOutput::spare_capacity now. Not after a flush: a socket echoing 16 KiB
    // messages gives its output back after each and takes it again for the next, capacity intact.
    void give_back_output(std::unique_ptr<SocketOutput> out, bool trim = true);
    // Run by the tick: the spares given back untrimmed shrink once things calm down.
    void trim_spare_outputs();
    static constexpr std::size_t max_spare_outputs = 64;
    // For tests and stats: outputs waiting here, and outputs held by sockets (0 once every socket is idle).
    std::size_t spare_outputs() const { return spare_outputs_.size(); }
    std::size_t outputs_lent() const { return outputs_lent_; }

    // Every live socket is tracked: deadlines are checked by one coarse timer instead of a uv_timer each
    // (saves ~150 bytes per connection), and close_all() can reach them. Resolution: tick_ms.
    void track(Socket* s);
    void untrack(Socket* s);
    static constexpr std::uint64_t tick_ms = 100;

    // "Date: <IMF-fixdate>" value, refreshed at most once per second.
    std::string_view http_date();

    void post(std::function<void()> fn);
    void drain_posted();

    void on_signal(int signum, std::function<void(int)> fn);

    std::uint64_t set_timer(std::uint64_t delay, std::uint64_t repeat, std::function<void()> fn, bool unref);
    void clear_timer(std::uint64_t id);

    // Closes every handle still open and runs the loop until their close callbacks have run.
    void close_all();

private:
    struct Timer;
    static void on_tick(uv_timer_t* t);
    void tick();

    uv_loop_t loop_{};
    uv_async_t async_{};
    uv_check_t check_{};
    uv_prepare_t prepare_{};
    uv_timer_t tick_timer_{};
    bool tick_running_ = false;
    std::vector<char> read_buffer_;
    std::vector<Socket*> dirty_;
    std::vector<Socket*> flushing_;  // the round being flushed; dirty_ collects what the flush makes dirty
    std::vector<Socket*> tracked_;
    std::vector<std::unique_ptr<SocketOutput>> spare_outputs_;
    std::size_t outputs_lent_ = 0;
    std::mutex post_mutex_;
    std::vector<std::function<void()>> posted_;
    std::map<int, uv_signal_t*> signals_;
    std::map<int, std::function<void(int)>> signal_fns_;
    std::map<std::uint64_t, Timer*> timers_;
    std::uint64_t next_timer_id_ = 1;
    std::int64_t date_second_ = -1;
    char date_[32] = {};
    std::size_t date_len_ = 0;
};

}  // namespace duplex::detail
