// SocketTable: net/'s per-loop state: every live socket (for the deadline sweep and close_all), the sockets written
// to this loop turn (flushed once per turn through the loop's turn hook), the spare socket outputs and the read
// buffer all sockets share.
//
// Lifetime: a LoopService: made by the loop's first socket, destroyed with the loop. Threads: loop thread only.
#pragma once

#include "loop/loop_core.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace duplex::detail {

class Socket;
struct SocketOutput;

class SocketTable final : public LoopService {
public:
    explicit SocketTable(LoopCore& core);
    ~SocketTable() override;

    static SocketTable& of(uv_loop_t* loop) { return LoopCore::of(loop).service<SocketTable>(); }
    LoopCore& core() const { return core_; }

    // One read buffer for every socket on the loop: reads are handled synchronously in the read callback,
    // so no connection needs a buffer of its own while idle.
    char* read_buffer() { return read_buffer_.data(); }
    std::size_t read_buffer_size() const { return read_buffer_.size(); }

    // Sockets with bytes queued this iteration; flushed once per loop turn (one write per socket).
    void mark_dirty(Socket* s) { dirty_.push_back(s); }
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

    void close_all() override;

    // The deadline sweep at loop time `now` (ms, uv_now's clock): every socket whose deadline has passed expires
    // once. The tick calls it with uv_now; tests call it with a clock of their own.
    void sweep(std::uint64_t now);

private:
    void tick();

    LoopCore& core_;
    std::uint64_t tick_timer_ = 0;  // the loop's timer id while sockets are tracked, else 0
    std::vector<char> read_buffer_;
    std::vector<Socket*> dirty_;
    std::vector<Socket*> flushing_;  // the round being flushed; dirty_ collects what the flush makes dirty
    std::vector<Socket*> tracked_;
    std::vector<Socket*> expired_;   // the tick's scratch list, kept: no allocation per tick
    std::vector<std::unique_ptr<SocketOutput>> spare_outputs_;
    std::size_t outputs_lent_ = 0;
};

}  // namespace duplex::detail
