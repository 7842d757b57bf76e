#include "loop/loop_core.h"

#include "duplex/log.h"

#include <atomic>
#include <cstdlib>
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
        duplex::logf(duplex::LogLevel::error, "duplex: exception in %s: %s", where, e.what());
    } catch (...) {
        duplex::logf(duplex::LogLevel::error, "duplex: unknown exception in %s", where);
    }
}

}  // namespace

LoopCore::LoopCore() {
    uv_loop_init(&loop_);
    loop_.data = this;
    async_.data = this;
    uv_async_init(&loop_, &async_, [](uv_async_t* a) { static_cast<LoopCore*>(a->data)->drain_posted(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    // The turn hooks run after the I/O phase (check) and before blocking (prepare).
    check_.data = this;
    uv_check_init(&loop_, &check_);
    uv_check_start(&check_, [](uv_check_t* c) { static_cast<LoopCore*>(c->data)->run_turn_hooks(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
    prepare_.data = this;
    uv_prepare_init(&loop_, &prepare_);
    uv_prepare_start(&prepare_, [](uv_prepare_t* p) { static_cast<LoopCore*>(p->data)->run_turn_hooks(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
}

LoopCore::~LoopCore() {
    close_all();
    drain_posted();
    // Services go before the loop: their handles are closed by now, and one may still look at the loop.
    for (auto it = services_.rbegin(); it != services_.rend(); ++it) it->reset();
    uv_loop_close(&loop_);
}

std::size_t LoopCore::claim_slot() {
    static std::atomic<std::size_t> next{0};
    const std::size_t slot = next.fetch_add(1);
    if (slot >= max_services) {
        duplex::logf(duplex::LogLevel::error, "duplex: more than %zu loop services", max_services);
        std::abort();
    }
    return slot;
}

LoopService* LoopCore::install(std::size_t slot, std::unique_ptr<LoopService> service) {
    services_[slot] = std::move(service);
    return services_[slot].get();
}

void LoopCore::add_turn_hook(TurnHook hook, void* context) { turn_hooks_.emplace_back(hook, context); }

void LoopCore::run_turn_hooks() {
    // By index: a hook may add one (a service made during the flush).
    for (std::size_t i = 0; i < turn_hooks_.size(); ++i) turn_hooks_[i].first(turn_hooks_[i].second);
}

void LoopCore::close_all() {
    for (auto& s : services_) {
        if (s) s->close_all();
    }
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
