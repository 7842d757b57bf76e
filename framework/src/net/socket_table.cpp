#include "net/socket_table.h"

#include "net/socket.h"

#include <algorithm>

namespace duplex::detail {

SocketTable::SocketTable(LoopCore& core) : core_(core), read_buffer_(64 * 1024) {
    spare_outputs_.reserve(max_spare_outputs);  // giving an output back never allocates
    core.add_turn_hook([](void* self) { static_cast<SocketTable*>(self)->flush_dirty(); }, this);
}

SocketTable::~SocketTable() = default;

void SocketTable::close_all() {
    // Through each socket's own close path, so that its memory is freed in its close callback.
    std::vector<Socket*> live = tracked_;
    for (Socket* s : live) s->close();
}

void SocketTable::forget_dirty(Socket* s) {
    auto it = std::find(dirty_.begin(), dirty_.end(), s);
    if (it != dirty_.end()) dirty_.erase(it);
}

void SocketTable::flush_dirty() {
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

std::unique_ptr<SocketOutput> SocketTable::take_output() {
    ++outputs_lent_;
    if (spare_outputs_.empty()) return std::make_unique<SocketOutput>();
    auto out = std::move(spare_outputs_.back());
    spare_outputs_.pop_back();
    return out;
}

void SocketTable::give_back_output(std::unique_ptr<SocketOutput> out, bool trim) {
    --outputs_lent_;
    if (spare_outputs_.size() >= max_spare_outputs) return;  // freed here
    out->clear_queued();
    out->in_flight.clear();
    out->in_flight_chunks.clear();
    out->linger_ms = 0;
    if (trim) out->shrink_to_spare();
    spare_outputs_.push_back(std::move(out));
}

void SocketTable::trim_spare_outputs() {
    for (auto& out : spare_outputs_) out->shrink_to_spare();
}

void SocketTable::track(Socket* s) {
    s->track_index_ = static_cast<std::uint32_t>(tracked_.size());
    tracked_.push_back(s);
    if (tick_timer_ == 0) tick_timer_ = core_.set_timer(tick_ms, tick_ms, [this] { tick(); }, true);
}

void SocketTable::untrack(Socket* s) {
    std::size_t i = s->track_index_;
    if (i >= tracked_.size() || tracked_[i] != s) return;
    tracked_[i] = tracked_.back();
    tracked_[i]->track_index_ = static_cast<std::uint32_t>(i);
    tracked_.pop_back();
    s->track_index_ = UINT32_MAX;
}

// Every tick_ms while sockets live: the deadline sweep, and idle buffers given back.
void SocketTable::tick() {
    sweep(uv_now(core_.uv()));
    if (tracked_.empty()) {
        core_.clear_timer(tick_timer_);
        tick_timer_ = 0;
    }
}

void SocketTable::sweep(std::uint64_t now) {
    expired_.clear();
    for (Socket* s : tracked_) {
        if (s->deadline_ != 0 && s->deadline_ <= now) expired_.push_back(s);
        s->release_idle_buffer(true);
    }
    trim_spare_outputs();
    // Sockets are freed only in their close callback, after this loop phase: the pointers stay valid.
    for (Socket* s : expired_) {
        if (s->deadline_ == 0 || s->deadline_ > now) continue;
        s->deadline_ = 0;
        s->expire();
    }
    expired_.clear();
}

}  // namespace duplex::detail
