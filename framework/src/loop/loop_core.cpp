#include "loop/loop_core.h"

#include "http/http_date.h"
#include "net/socket.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>

namespace duplex::detail {

struct LoopCore::Timer {
    uv_timer_t handle{};
    std::uint64_t id = 0;
    bool repeating = false;
    std::function<void()> fn;
};

namespace {

// Runs user code from a libuv callback: nothing may propagate into C.
template <class F>
void guarded(const char* where, F&& f) noexcept {
    try {
        f();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "duplex: exception in %s: %s\n", where, e.what());
    } catch (...) {
        std::fprintf(stderr, "duplex: unknown exception in %s\n", where);
    }
}

}  // namespace

LoopCore::LoopCore() : read_buffer_(64 * 1024) {
    spare_outputs_.reserve(max_spare_outputs);  // giving an output back never allocates
    uv_loop_init(&loop_);
    loop_.data = this;
    async_.data = this;
    uv_async_init(&loop_, &async_, [](uv_async_t* a) { static_cast<LoopCore*>(a->data)->drain_posted(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    // Flush after the I/O phase (check) and before blocking (prepare): covers writes made by read callbacks,
    // timers, posted functions and other connections alike.
    check_.data = this;
    uv_check_init(&loop_, &check_);
    uv_check_start(&check_, [](uv_check_t* c) { static_cast<LoopCore*>(c->data)->flush_dirty(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
    prepare_.data = this;
    uv_prepare_init(&loop_, &prepare_);
    uv_prepare_start(&prepare_, [](uv_prepare_t* p) { static_cast<LoopCore*>(p->data)->flush_dirty(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
    tick_timer_.data = this;
    uv_timer_init(&loop_, &tick_timer_);
    uv_unref(reinterpret_cast<uv_handle_t*>(&tick_timer_));
}

LoopCore::~LoopCore() {
    close_all();
    drain_posted();
    uv_loop_close(&loop_);
}

void LoopCore::close_all() {
    // Connections first, through their own close path, so that their memory is freed in their callbacks.
    std::vector<Socket*> live = tracked_;
    for (Socket* s : live) s->close();
    uv_run(&loop_, UV_RUN_NOWAIT);
    uv_walk(&loop_, [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
    }, nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    for (auto& [id, t] : timers_) delete t;
    timers_.clear();
    for (auto& [sig, s] : signals_) delete s;
    signals_.clear();
}

void LoopCore::mark_dirty(Socket* s) { dirty_.push_back(s); }

void LoopCore::forget_dirty(Socket* s) {
    auto it = std::find(dirty_.begin(), dirty_.end(), s);
    if (it != dirty_.end()) dirty_.erase(it);
}

void LoopCore::flush_dirty() {
    // A flush may make a socket dirty again (drain callbacks write more): loop until quiet, bounded.
    // Both lists keep their capacity: no allocation per loop turn.
    for (int round = 0; round < 4 && !dirty_.empty(); ++round) {
        flushing_.swap(dirty_);
        // Sockets are freed only in close callbacks: the pointers stay valid. An output written out in full goes
        // back to the spares at once: after a burst of handshakes no socket keeps one until the next tick.
        for (Socket* s : flushing_) {
            s->flush();
            s->release_idle_buffer(false);
        }
        flushing_.clear();
    }
}

std::unique_ptr<SocketOutput> LoopCore::take_output() {
    ++outputs_lent_;
    if (spare_outputs_.empty()) return std::make_unique<SocketOutput>();
    auto out = std::move(spare_outputs_.back());
    spare_outputs_.pop_back();
    return out;
}

void LoopCore::give_back_output(std::unique_ptr<SocketOutput> out, bool trim) {
    --outputs_lent_;
    if (spare_outputs_.size() >= max_spare_outputs) return;  // freed here
    out->queued.clear();
    out->in_flight.clear();
    out->linger_ms = 0;
    if (trim) out->shrink_to_spare();
    spare_outputs_.push_back(std::move(out));
}

void LoopCore::trim_spare_outputs() {
    for (auto& out : spare_outputs_) out->shrink_to_spare();
}

void LoopCore::track(Socket* s) {
    s->track_index_ = static_cast<std::uint32_t>(tracked_.size());
    tracked_.push_back(s);
    if (!tick_running_) {
        tick_running_ = true;
        uv_timer_start(&tick_timer_, on_tick, tick_ms, tick_ms);
    }
}

void LoopCore::untrack(Socket* s) {
    std::size_t i = s->track_index_;
    if (i >= tracked_.size() || tracked_[i] != s) return;
    tracked_[i] = tracked_.back();
    tracked_[i]->track_index_ = static_cast<std::uint32_t>(i);
    tracked_.pop_back();
    s->track_index_ = UINT32_MAX;
}

void LoopCore::on_tick(uv_timer_t* t) { static_cast<LoopCore*>(t->data)->tick(); }

void LoopCore::tick() {
    std::uint64_t now = uv_now(&loop_);
    std::vector<Socket*> expired;
    for (Socket* s : tracked_) {
        if (s->deadline_ != 0 && s->deadline_ <= now) expired.push_back(s);
        s->release_idle_buffer(true);
    }
    trim_spare_outputs();
    // Sockets are freed only in their close callback, after this loop phase: the pointers stay valid.
    for (Socket* s : expired) {
        if (s->deadline_ == 0 || s->deadline_ > now) continue;
        s->deadline_ = 0;
        s->expire();
    }
    if (tracked_.empty()) {
        uv_timer_stop(&tick_timer_);
        tick_running_ = false;
    }
}

std::string_view LoopCore::http_date() {
    std::time_t now = std::time(nullptr);
    if (now != date_second_) {
        date_second_ = now;
        date_len_ = format_http_date(now, std::span<char, kHttpDateSize>(date_, kHttpDateSize)).size();
    }
    return std::string_view(date_, date_len_);
}

void LoopCore::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(post_mutex_);
        posted_.push_back(std::move(fn));
    }
    uv_async_send(&async_);
}

void LoopCore::drain_posted() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard<std::mutex> lock(post_mutex_);
        batch.swap(posted_);
    }
    for (auto& fn : batch) guarded("posted function", fn);
}

void LoopCore::on_signal(int signum, std::function<void(int)> fn) {
    signal_fns_[signum] = std::move(fn);
    if (signals_.count(signum)) return;
    auto* h = new uv_signal_t{};
    h->data = this;
    uv_signal_init(&loop_, h);
    uv_signal_start(h, [](uv_signal_t* s, int sig) {
        auto* self = static_cast<LoopCore*>(s->data);
        auto it = self->signal_fns_.find(sig);
        if (it != self->signal_fns_.end()) guarded("signal handler", [&] { it->second(sig); });
    }, signum);
    uv_unref(reinterpret_cast<uv_handle_t*>(h));
    signals_[signum] = h;
}

std::uint64_t LoopCore::set_timer(std::uint64_t delay, std::uint64_t repeat, std::function<void()> fn,
                                  bool unref) {
    auto* t = new Timer{};
    t->id = next_timer_id_++;
    t->repeating = repeat != 0;
    t->fn = std::move(fn);
    t->handle.data = t;
    uv_timer_init(&loop_, &t->handle);
    if (unref) uv_unref(reinterpret_cast<uv_handle_t*>(&t->handle));
    timers_[t->id] = t;
    uv_timer_start(&t->handle, [](uv_timer_t* h) {
        auto* timer = static_cast<Timer*>(h->data);
        auto& core = LoopCore::of(h->loop);
        std::uint64_t id = timer->id;
        // Copy: the callback may clear this very timer.
        auto fn = timer->fn;
        if (!timer->repeating) core.clear_timer(id);
        guarded("timer callback", fn);
    }, delay, repeat);
    return t->id;
}

void LoopCore::clear_timer(std::uint64_t id) {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    Timer* t = it->second;
    timers_.erase(it);
    uv_close(reinterpret_cast<uv_handle_t*>(&t->handle), [](uv_handle_t* h) { delete static_cast<Timer*>(h->data); });
}

}  // namespace duplex::detail
