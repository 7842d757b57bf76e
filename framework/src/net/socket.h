// Socket: one TCP connection. Owns its uv_tcp_t on the heap, the bytes queued for writing until libuv is done
// with them, and the Protocol that gives its bytes meaning.
//
// Writes are corked: write() only appends to an output buffer and marks the socket dirty; the loop flushes each
// dirty socket once per turn, first with uv_try_write (no allocation when the kernel takes everything), then
// with one uv_write for the rest.
//
// Lifetime: created by a Listener (accept) or by connect(); deletes itself in its libuv close callback, after
// calling Protocol::on_closed. Raw Socket pointers must not be kept past on_closed. Threads: loop thread only.
#pragma once

#include "net/protocol.h"

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace duplex::detail {

class LoopCore;

// Test seam for fault injection: when set, consulted before each real write/read. Returning a libuv error
// code makes the socket behave as if the kernel had returned it; returning a positive n < len makes a short
// write. 0 means "no fault, do the real thing". Loop thread only; null in production.
struct SocketFaults {
    std::function<int(std::size_t len)> on_write;
    std::function<int()> on_read;
};
void set_socket_faults(SocketFaults* faults);

class Socket {
public:
    static Socket* create(LoopCore& core);

    // Starts reading and hands events to protocol.
    void start(std::shared_ptr<Protocol> protocol);
    // Swaps the protocol (HTTP -> WebSocket). Safe from inside the old protocol's on_data.
    void set_protocol(std::shared_ptr<Protocol> protocol);

    // Queue bytes; flushed at the end of the loop turn. No-op once closing.
    void write(std::string_view bytes);
    // Direct access for serializers that append in place; call commit() afterwards.
    std::string& output_buffer() { return out_; }
    void commit();
    // Writes everything queued now (used by the loop's flush and by end()).
    void flush();

    // Bytes accepted by write() and not yet handed to the kernel.
    std::size_t buffered_amount() const;

    void pause_reading();
    void resume_reading();
    // Stops reading while more than `bytes` of output wait (0: never), until everything is written. For
    // request/response protocols: a peer that sends requests without reading the answers cannot make us
    // queue them all. Not for full-duplex ones: two ends that both stop reading while they write deadlock.
    void set_read_backlog_limit(std::size_t bytes) { backlog_limit_ = bytes; }

    // Graceful end: flush what is queued, shut down the write side, drain the peer's bytes for up to
    // linger_ms so the peer reads our last bytes instead of a reset, then close.
    void end(std::uint64_t linger_ms = 2000);
    // Immediate close; pending output is discarded. status is reported to Protocol::on_closed.
    void close(int status = 0);
    bool closing() const { return closing_ || ending_; }

    // A deadline relative to now; 0 removes it. Expiry calls Protocol::on_timeout (resolution ~100 ms).
    void set_timeout(std::uint64_t ms);

    // Outgoing connection. cb(status) runs once on the loop thread; on failure the socket closes itself.
    int connect(const sockaddr* addr, std::function<void(int status)> cb);

    uv_tcp_t* tcp() { return &tcp_; }
    LoopCore& core() { return core_; }
    // "ip:port" of the peer, or "" when unknown.
    std::string peer_address() const;

private:
    friend class LoopCore;
    struct WriteOp;
    explicit Socket(LoopCore& core);
    ~Socket();
    static void on_alloc(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void on_written(uv_write_t* req, int status);
    static void on_shutdown(uv_shutdown_t* req, int status);
    static void on_close(uv_handle_t* h);
    void expire();
    // An empty output buffer keeps its capacity between writes (no allocation per message); the loop's tick
    // gives it back on idle connections so that 10,000 idle sockets do not each hold their last write's size.
    void release_idle_buffer() {
        if (out_.empty() && out_.capacity() > 15) std::string().swap(out_);
    }
    void check_backlog();
    void after_drain();
    void shutdown_now();

    uv_tcp_t tcp_{};
    LoopCore& core_;
    std::shared_ptr<Protocol> protocol_;
    std::string out_;
    std::unique_ptr<WriteOp> op_;  // only while a uv_write is in flight: idle sockets pay nothing for it
    std::uint64_t deadline_ = 0;
    std::size_t track_index_ = SIZE_MAX;
    std::uint64_t linger_ms_ = 0;
    int close_status_ = 0;
    std::size_t backlog_limit_ = 0;
    bool reading_ = false;
    bool want_reading_ = false;  // the protocol's wish; reading_ is also off while backlogged_
    bool backlogged_ = false;
    bool dirty_ = false;
    bool closing_ = false;
    bool ending_ = false;
    bool shut_down_ = false;
};

}  // namespace duplex::detail
