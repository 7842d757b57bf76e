// Turns a WebSocket byte stream into messages and control frames (RFC 6455 5.4-5.6), for either role.
// MessageReader: one per connection, owned by the connection's session and living as long as it;
// single-threaded (the connection's loop thread); pure, no I/O. Movable, not copyable.
// Every open connection carries one, idle or not, so it is kept to 56 bytes: whatever is only needed
// while something is cut across reads lives in a separate allocation that exists only meanwhile.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ws/frame_parser.h"
#include "ws/ws_constants.h"
#include "ws/utf8.h"

namespace duplex::detail::ws {

// Read once by MessageReader's constructor, which keeps only what it needs, packed.
struct ReaderConfig {
    Role role = Role::Server;
    bool rsv1_allowed = false;  // true only when permessage-deflate was negotiated
    // Applies to the bytes as received: for compressed messages, the compressed size (the inflater
    // enforces its own limit on the inflated size).
    std::uint64_t max_message_size = 16 * 1024 * 1024;
    std::uint32_t max_fragments = 1u << 20;  // frames per data message (WsOptions says why)
};

// What the reader reports. A virtual interface: one indirect call per message or control frame costs
// nothing next to the work around it, and keeps the reader a plain compiled class.
// Views passed to these methods live only until the method returns (they point into the buffer given
// to feed() or into the reader's own buffer). Methods must not throw, must not call feed() and must not
// destroy the reader.
class MessageSink {
public:
    // A complete Text or Binary message. Uncompressed text has been checked to be UTF-8; compressed
    // messages (RSV1 on their first frame) are handed over exactly as received, to be inflated and
    // then checked by the caller.
    virtual void on_message(Opcode opcode, std::string_view payload, bool compressed) = 0;
    // A Ping, Pong or Close frame, delivered as soon as it is complete, even between the fragments of a
    // data message. A Close payload is raw: check it with parse_close_payload (close_frame.h).
    virtual void on_control(Opcode opcode, std::string_view payload) = 0;
    // The peer broke the protocol: close with `close_code` (1002, 1007 or 1009).
    virtual void on_error(std::uint16_t close_code, std::string_view reason) = 0;

protected:
    ~MessageSink() = default;
};

class MessageReader {
public:
    enum class State : std::uint8_t {
        Reading,
        Closed,  // a Close frame was delivered: the peer may send nothing more, later bytes are ignored
        Failed,  // on_error was called: later bytes are ignored
    };

    explicit MessageReader(const ReaderConfig& config) noexcept
        : parser_(config.role, config.rsv1_allowed),
          max_message_size_(static_cast<std::uint32_t>(std::min<std::uint64_t>(config.max_message_size, UINT32_MAX))),
          max_fragments_(config.max_fragments) {}

    // Parses every complete frame in [data, data + size), unmasking in place: the buffer must be writable
    // and is modified. A whole unfragmented message inside this buffer is delivered as a view into it
    // (no copy, no allocation); only partial frames and fragmented messages are copied, into a buffer that
    // grows with the bytes that actually arrived, never with a peer's declared length.
    // May throw std::bad_alloc while buffering a partial message; nothing else.
    void feed(char* data, std::size_t size, MessageSink& sink);

    State state() const noexcept { return state_; }

    // True while the reader holds the separate allocation for bytes cut across reads (a header, a control
    // frame, a data message in progress). False after every feed() that leaves nothing partial: an idle
    // connection holds none of it. For tests and memory accounting.
    bool holds_partial_state() const noexcept { return pending_ != nullptr; }

private:
    // What is only needed while something is split across reads; allocated on the first such split and
    // freed at the end of the first feed() that leaves nothing pending (a data message still in progress
    // keeps it while its buffer is at most 64 KiB, so fragments do not reallocate).
    struct Pending {
        std::string message;                   // the data message so far, when it could not be delivered in place
        char control[max_control_payload];     // a control frame split across reads (at most 125 bytes)
        char header[max_frame_header_size];    // the start of a header cut by the end of a read
        std::uint8_t control_size = 0;         // non-zero only while a control frame is being gathered
        std::uint8_t header_size = 0;          // non-zero only while a header is being gathered
    };

    FrameEvent next_event(char*& pos, char* end);
    void on_header(MessageSink& sink);
    void on_data(const FrameEvent& event, MessageSink& sink);
    void on_control(const FrameEvent& event, MessageSink& sink);
    void fail(MessageSink& sink, std::uint16_t code, std::string_view reason);
    Pending& pending();
    void release_if_idle() noexcept;

    // sizeof(MessageReader) <= 56 (asserted in message_reader.cpp). Role and RSV1 use live in the parser.
    FrameParser parser_;
    std::unique_ptr<Pending> pending_;  // null unless something is split across reads
    std::uint32_t max_message_size_;    // a configured 4 GiB or more saturates here: no message is that big
    std::uint32_t max_fragments_;

    // The data message in progress (from its first frame's header to its last frame's end).
    std::uint32_t fragments_ = 0;
    State state_ = State::Reading;
    Opcode message_opcode_ = Opcode::Text;
    Utf8Validator utf8_;
    bool in_message_ : 1 = false;
    bool compressed_ : 1 = false;
    bool check_utf8_ : 1 = false;
};

}  // namespace duplex::detail::ws
