// Incremental RFC 6455 frame parser: turns socket bytes into frame headers and unmasked payload chunks.
// It knows frames only; MessageReader (message_reader.h) assembles them into messages.
// FrameParser: one per connection, lives as long as its reader; single-threaded (the connection's loop
// thread or any one thread for tests); pure, no I/O, never allocates. It keeps no bytes of its own: a
// header cut by the end of a read is left to the caller to gather (MessageReader does), so every idle
// connection carries only the 32 bytes below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "duplex/close_code.h"
#include "ws/masking.h"
#include "ws/ws_constants.h"

namespace duplex::detail::ws {

struct FrameHeader {
    std::uint64_t payload_size = 0;
    MaskKey mask{};
    Opcode opcode = Opcode::Continuation;
    bool fin = false;
    bool rsv1 = false;
    bool masked = false;
};

struct FrameEvent {
    enum class Kind : std::uint8_t {
        NeedMore,  // feed more: every byte given was consumed, except the start of a header that is not
                   // whole yet ([pos, end), at most 13 bytes), which must be given again, followed by more
        Header,    // a valid header was read: see FrameParser::header()
        Payload,   // `payload` holds the next unmasked bytes of the current frame
        Error,     // `close_code` and `reason` say why; the stream cannot be trusted any more
    };
    Kind kind = Kind::NeedMore;
    bool frame_end = false;    // Payload: these bytes finish the frame (also sent for empty payloads)
    std::string_view payload;  // Payload: a view into the caller's buffer, unmasked in place
    std::uint16_t close_code = CloseCode::ProtocolError;
    std::string_view reason;   // Error: static text, for logs and the Close frame
};

// Checks everything a header alone can break (RFC 6455 5.2, 5.3, 5.5), failing as soon as the first two
// bytes show it: RSV2/RSV3 set, RSV1 not negotiated or on a control/continuation frame, reserved opcode,
// fragmented or oversized control frame, wrong masking for the role, 64-bit length with the top bit set.
// Non-minimal length encodings (e.g. 5 sent in the 16-bit form) are accepted: RFC 6455 requires senders
// to be minimal but does not ask receivers to check, and the length is still exact.
class FrameParser {
public:
    // `role` is ours: a server requires masked frames, a client refuses them.
    FrameParser(Role role, bool rsv1_allowed) noexcept : role_(role), rsv1_allowed_(rsv1_allowed) {}

    // Consumes bytes from [pos, end) and returns the next event, advancing pos past what it consumed.
    // Payload bytes are unmasked in place, so the buffer must be writable. Call again until NeedMore.
    // A header is decoded only once it is whole; its first two bytes are checked as soon as they are
    // there, so a bad header fails before the rest of it arrives. After an Error the parser's state is
    // undefined: stop feeding it.
    FrameEvent next(char*& pos, char* end) noexcept;
    // The same for a caller that knows the parser is between frames (it gathered a split header itself):
    // reads only the header, never payload, so no payload byte is ever unmasked inside the caller's
    // small gathering buffer.
    FrameEvent next_header(char*& pos, char* end) noexcept { return read_header(pos, end); }

    // The frame being read: valid from its Header event until the next Header event.
    const FrameHeader& header() const noexcept { return header_; }

private:
    FrameEvent read_header(char*& pos, char* end) noexcept;
    FrameEvent read_payload(char*& pos, char* end) noexcept;
    std::string_view start_violation(const unsigned char* bytes) const noexcept;
    FrameEvent decode(const unsigned char* bytes) noexcept;

    // One per connection, so kept small: sizeof(FrameParser) <= 32 (asserted in frame_parser.cpp).
    FrameHeader header_;
    std::uint64_t remaining_ = 0;  // payload bytes of the current frame not yet returned
    Role role_;
    bool rsv1_allowed_;
    std::uint8_t mask_phase_ = 0;  // key offset (0-3) of the next payload byte
    bool in_payload_ = false;
};

}  // namespace duplex::detail::ws
