// Socket: one TCP connection. Owns its uv_tcp_t on the heap, the bytes queued for writing until libuv is done
// with them, and the Protocol that gives its bytes meaning.
//
// Writes are corked: write() only appends to an output buffer and marks the socket dirty; the loop flushes each
// dirty socket once per turn, first with uv_try_write (no allocation when the kernel takes everything), then
// with one uv_write for the rest.
//
// Every idle connection pays sizeof(Socket), so the output side lives in a SocketOutput that a socket borrows
// from its SocketTable's spares when it first has bytes to write and gives back once nothing is queued or in
// flight: an idle socket holds one pointer for it, a busy one reuses buffers without a malloc.
//
// Lifetime: created by a Listener (accept) or by connect(); deletes itself in its libuv close callback, after
// calling Protocol::on_closed. Raw Socket pointers must not be kept past on_closed. Threads: loop thread only.
#pragma once

#include "net/socket_filter.h"
#include "net/socket_protocol.h"
#include "util/buffer_capacity.h"

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail {

class LoopCore;
class SocketTable;

// Test seam for fault injection: when set, consulted before each real write/read. Returning a libuv error
// code makes the socket behave as if the kernel had returned it; returning a positive n < len makes a short
// write. 0 means "no fault, do the real thing". Loop thread only; null in production.
struct SocketFaults {
    std::function<int(std::size_t len)> on_write;
    std::function<int()> on_read;
};
void set_socket_faults(SocketFaults* faults);

// Immutable bytes queued by reference (Socket::write_shared): owner keeps them alive until the kernel has them.
// They go out after the first `at` bytes of the queue they wait in, so copies and references keep their order.
struct SharedChunk {
    std::shared_ptr<const void> owner;
    std::string_view bytes;
    std::size_t at = 0;
};

// The output side of a Socket: the bytes queued this loop turn and the uv_write in flight. Held only while the
// socket has something to write; otherwise it waits in SocketTable's spares (see SocketTable::take_output).
struct SocketOutput {
    std::string queued;     // write() and output_buffer() append here; flushed once per loop turn
    std::string in_flight;  // handed to uv_write: must stay put until on_written, so never appended to
    // Chunks queued by reference with queued, and those of the uv_write in flight (held until on_written).
    std::vector<SharedChunk> chunks, in_flight_chunks;
    std::size_t chunk_bytes = 0;  // of chunks
    uv_write_t req{};
    bool writing = false;   // a uv_write is in flight: in_flight and req belong to libuv until its callback
    std::uint32_t linger_ms = 0;  // end() while bytes wait: the linger for after they are written
    // An ending socket's write must progress within progress_ms: unsent is Socket::unsent_bytes() when the
    // deadline was last set, so a slow but steady reader of one large write is not cut off mid-way.
    std::uint32_t progress_ms = 0;
    std::size_t unsent = 0;

    // An emptied buffer keeps its capacity for the next write only up to a bound, so memory returns after a
    // burst: the queue of a busy socket up to keep_capacity; the buffer a finished uv_write leaves (it becomes
    // the queue after the next swap: keeping it large would double what a slow peer costs) and, on the loop's
    // tick, both buffers of a spare waiting in SocketTable, up to spare_capacity.
    static constexpr std::size_t keep_capacity = 64 * 1024;
    // Nothing waits for the next flush (a uv_write may be in flight).
    bool empty() const { return queued.empty() && chunks.empty(); }
    void clear_queued() {
        queued.clear();
        chunks.clear();
        chunk_bytes = 0;
    }
    static constexpr std::size_t spare_capacity = 4 * 1024;
    void shrink_to_spare() {
        release_if_over(queued, spare_capacity);
        release_if_over(in_flight, spare_capacity);
        if (chunks.capacity() > spare_chunks) std::vector<SharedChunk>().swap(chunks);
        if (in_flight_chunks.capacity() > spare_chunks) std::vector<SharedChunk>().swap(in_flight_chunks);
    }
    static constexpr std::size_t spare_chunks = 16;
};

class Socket {
public:
    static Socket* create(LoopCore& core);

    // Starts reading and hands events to protocol.
    void start(std::shared_ptr<Protocol> protocol);
    // Starts reading through a filter (TLS): the filter is the socket's Protocol and its inner protocol gets
    // the plaintext; queued bytes pass through SocketFilter::seal at each flush.
    void start_filtered(std::shared_ptr<SocketFilter> filter);
    // Swaps the protocol (HTTP -> WebSocket); on a filtered socket, the filter's inner one. Safe from inside
    // the old protocol's on_data.
    void set_protocol(std::shared_ptr<Protocol> protocol);
    // A filter (TLS) carries this socket's bytes.
    bool filtered() const { return filtered_; }

    // Queue bytes; flushed at the end of the loop turn. No-op once closing. Inline: once per subscriber of a publish.
    void write(std::string_view bytes) {
        if (closing_ || ending_ || bytes.empty()) return;
        output().queued.append(bytes);
        commit();
    }
    // Direct access for serializers that append in place; call commit() afterwards. The reference stays valid
    // until control returns to the loop (the tick may give an idle buffer back).
    std::string& output_buffer() { return output().queued; }
    void commit();
    // Queues immutable bytes by reference when they are large enough that a copy costs more than holding owner
    // (shared_write_min), else copies them as write() does; either way buffered_amount() counts them until the
    // kernel has them. For a frame published to many subscribers: each socket holds the one buffer.
    void write_shared(std::string_view bytes, const std::shared_ptr<const void>& owner);
    static constexpr std::size_t shared_write_min = 512;  // measured: see README "Threads"
    // Writes everything queued now (used by the loop's flush and by end()).
    void flush();
    // Hands what is queued and then `bytes` to the kernel in one writev, now, without copying `bytes`; returns
    // how many of `bytes` it took (0 when a write is in flight, the kernel is full, or the socket is ending).
    // For bodies that stay put in memory (cached static files): the caller queues what is left the usual way.
    std::size_t write_now(std::string_view bytes);

    // Bytes accepted by write() and not yet handed to the kernel.
    std::size_t buffered_amount() const;
    // buffered_amount() plus what the kernel still holds unacknowledged: it falls whenever the peer reads, also
    // in the middle of one large write (one ioctl; for timers, not per message).
    std::size_t unsent_bytes() const;
    // Reading stopped because more than the protocol's read_backlog_limit waits to be sent.
    bool backlogged() const { return backlogged_; }

    void pause_reading();
    void resume_reading();

    // Graceful end: flush what is queued, shut down the write side, drain the peer's bytes for up to
    // linger_ms so the peer reads our last bytes instead of a reset, then close. A peer that takes nothing of
    // the queued bytes for progress_ms is dropped. Both saturate at ~49 days.
    void end(std::uint64_t linger_ms = 2000, std::uint64_t progress_ms = 10000);
    // Immediate close; pending output is discarded. status is reported to Protocol::on_closed.
    void close(int status = 0);
    bool closing() const { return closing_ || ending_; }

    // A deadline relative to now; 0 removes it. Expiry calls Protocol::on_timeout (resolution ~100 ms).
    void set_timeout(std::uint64_t ms);

    // Outgoing connection. cb(status) runs once on the loop thread; on failure the socket closes itself.
    int connect(const sockaddr* addr, std::function<void(int status)> cb);

    uv_tcp_t* tcp() { return &tcp_; }
    // The handle's loop knows its SocketTable (through loop->data): no member needed.
    SocketTable& table() const;
    // "ip:port" of the peer, or "" when unknown.
    std::string peer_address() const;

private:
    friend class SocketTable;
    Socket() = default;
    ~Socket();
    static void on_alloc(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void on_written(uv_write_t* req, int status);
    static void on_shutdown(uv_shutdown_t* req, int status);
    static void on_close(uv_handle_t* h);
    void expire();
    void watch_progress();  // ending with a write in flight: the deadline for the peer to take some of it
    // The output side, borrowed from the loop's spares on first use.
    SocketOutput& output();
    // Called by the loop after it flushed the socket and on its tick: an idle socket (nothing queued, nothing
    // in flight) gives its output back to the spares, so that 10,000 idle connections hold no buffers (nor do
    // they keep one each after a burst of handshakes), and a socket still writing keeps it. trim: see
    // SocketTable::give_back_output (no after a flush, yes on the tick).
    void release_idle_buffer(bool trim);
    void give_back_output(bool trim = true);
    bool write_in_flight() const { return output_ && output_->writing; }
    void check_backlog();
    void after_drain();
    // flush() of a filtered socket: seals what is queued into in_flight (free while no write is in flight) and
    // writes that.
    void flush_sealed();
    // flush() when chunks wait: one writev of the queue and the chunks, in order; the rest to one uv_write.
    void flush_chunks();
    // What a flush left after the kernel filled up (bytes held by in_flight and in_flight_chunks), as one uv_write
    // that on_written ends.
    void write_rest(const uv_buf_t* bufs, unsigned count);
    SocketFilter& filter() { return static_cast<SocketFilter&>(*protocol_); }
    // What uv_try_write (or an injected fault) returned, as the bytes the kernel took: 0 when it is full; an
    // error closes the socket and gives nullopt.
    std::optional<std::size_t> accepted(int n);
    void shutdown_now(std::uint32_t linger_ms);
    void after_shutdown(int status, std::uint32_t linger_ms);

    // Ordered by size, flags last: see the static_assert in socket.cpp.
    uv_tcp_t tcp_{};
    std::shared_ptr<Protocol> protocol_;
    std::unique_ptr<SocketOutput> output_;  // null while idle
    std::uint64_t deadline_ = 0;
    std::uint32_t track_index_ = UINT32_MAX;  // position in SocketTable's tracked list
    std::int16_t close_status_ = 0;  // 0 or a libuv error code (all fit: UV_EOF, the lowest, is -4095)
    bool reading_ : 1 = false;
    bool want_reading_ : 1 = false;  // the protocol's wish; reading_ is also off while backlogged_
    bool backlogged_ : 1 = false;
    bool dirty_ : 1 = false;
    bool closing_ : 1 = false;
    bool ending_ : 1 = false;
    bool shut_down_ : 1 = false;
    bool filtered_ : 1 = false;  // protocol_ is a SocketFilter
};

}  // namespace duplex::detail
