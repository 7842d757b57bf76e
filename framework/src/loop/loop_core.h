// LoopCore: one libuv loop and what every layer above shares on it: the post queue, timers, signals, the per-turn
// hook and a slot per layer for its own per-loop state. No protocol state lives here (the socket table is net/'s,
// the Date header http/'s): the loop knows the layers above only as LoopService and TurnHook.
//
// Lifetime: owned by EventLoop, lives exactly as long as it. Threads: loop thread only, except post().
#pragma once

#include <uv.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace duplex::detail {

// Per-loop state of a layer above (net/'s SocketTable): created on first use by LoopCore::service<T>(), destroyed
// with the loop after every handle is closed.
class LoopService {
public:
    virtual ~LoopService() = default;
    // First step of LoopCore::close_all(), before the loop closes what is left: a layer ends its own handles
    // through their own path (sockets run their close callbacks, so their memory is freed there).
    virtual void close_all() {}
};

class LoopCore {
public:
    LoopCore();
    ~LoopCore();
    LoopCore(const LoopCore&) = delete;
    LoopCore& operator=(const LoopCore&) = delete;

    uv_loop_t* uv() { return &loop_; }
    static LoopCore& of(uv_loop_t* loop) { return *static_cast<LoopCore*>(loop->data); }

    // The loop's instance of T (a LoopService constructible from LoopCore&), made on first use. After the first
    // call this is an index into a small array: cheap enough for per-write paths.
    template <class T>
    T& service() {
        LoopService* s = services_[slot_of<T>].get();
        if (s == nullptr) [[unlikely]] s = make_service<T>();
        return static_cast<T&>(*s);
    }
    static constexpr std::size_t max_services = 4;

    // A function run once per loop turn after the I/O phase and again before the loop blocks: covers work queued
    // by read callbacks, timers, posted functions alike (net/ flushes the sockets written to this turn). A plain
    // function pointer: the per-turn cost stays one indirect call per hook.
    using TurnHook = void (*)(void* context);
    void add_turn_hook(TurnHook hook, void* context);

    void post(std::function<void()> fn);
    void drain_posted();

    void on_signal(int signum, std::function<void(int)> fn);

    std::uint64_t set_timer(std::uint64_t delay, std::uint64_t repeat, std::function<void()> fn, bool unref);
    void clear_timer(std::uint64_t id);

    // Closes every handle still open (each service's own first) and runs the loop until their close callbacks
    // have run.
    void close_all();

private:
    struct Timer;
    static std::size_t claim_slot();
    // Each service type's slot, claimed during static initialisation (not by a function-local static, whose guard
    // would be checked on every call of the per-write path).
    template <class T>
    static inline const std::size_t slot_of = claim_slot();
    // Out of line, so that service() itself stays a few inlined loads.
    template <class T>
    [[gnu::noinline]] LoopService* make_service() { return install(slot_of<T>, std::make_unique<T>(*this)); }
    LoopService* install(std::size_t slot, std::unique_ptr<LoopService> service);
    void run_turn_hooks();

    uv_loop_t loop_{};
    uv_async_t async_{};
    uv_check_t check_{};
    uv_prepare_t prepare_{};
    std::vector<std::pair<TurnHook, void*>> turn_hooks_;
    std::array<std::unique_ptr<LoopService>, max_services> services_;
    std::mutex post_mutex_;
    std::vector<std::function<void()>> posted_;
    std::map<int, uv_signal_t*> signals_;
    std::map<int, std::function<void(int)>> signal_fns_;
    std::map<std::uint64_t, Timer*> timers_;
    std::uint64_t next_timer_id_ = 1;
};

}  // namespace duplex::detail
