#include "duplex/event_loop.h"

#include "loop/loop_core.h"

#include <csignal>

namespace duplex {

// Internal code reaches the LoopCore through the libuv loop: detail::LoopCore::of(loop.native()).
struct EventLoop::Core {
    detail::LoopCore loop;
};

EventLoop::EventLoop() : core_(std::make_unique<Core>()) {
    // libuv writes to sockets with write(2): a peer that left would kill the process with SIGPIPE. The
    // error (EPIPE) is handled per connection instead, as every network server does.
    std::signal(SIGPIPE, SIG_IGN);
}

EventLoop::~EventLoop() = default;

int EventLoop::run() {
    core_->loop.drain_posted();
    uv_run(core_->loop.uv(), UV_RUN_DEFAULT);
    return 0;
}

void EventLoop::stop() { uv_stop(core_->loop.uv()); }

void EventLoop::post(std::function<void()> fn) { core_->loop.post(std::move(fn)); }

void EventLoop::on_signal(std::initializer_list<int> signals, std::function<void(int)> fn) {
    for (int s : signals) core_->loop.on_signal(s, fn);
}

TimerId EventLoop::set_timeout(std::chrono::milliseconds delay, std::function<void()> fn, bool unref) {
    return core_->loop.set_timer(static_cast<std::uint64_t>(delay.count()), 0, std::move(fn), unref);
}

TimerId EventLoop::set_interval(std::chrono::milliseconds period, std::function<void()> fn, bool unref) {
    auto p = static_cast<std::uint64_t>(period.count() > 0 ? period.count() : 1);
    return core_->loop.set_timer(p, p, std::move(fn), unref);
}

void EventLoop::clear_timer(TimerId id) { core_->loop.clear_timer(id); }

std::uint64_t EventLoop::now_ms() const { return uv_now(core_->loop.uv()); }

uv_loop_s* EventLoop::native() const { return core_->loop.uv(); }

}  // namespace duplex
