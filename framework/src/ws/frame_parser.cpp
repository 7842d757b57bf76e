#include "ws/frame_parser.h"

#include <algorithm>
#include <cstring>

namespace duplex::detail::ws {

// Every connection carries one (inside its MessageReader): keep it this small.
static_assert(sizeof(FrameParser) <= 32, "FrameParser grew: it is part of every connection");

namespace {

constexpr unsigned fin_bit = 0x80;
constexpr unsigned rsv1_bit = 0x40;
constexpr unsigned rsv23_bits = 0x30;
constexpr unsigned opcode_bits = 0x0F;
constexpr unsigned mask_bit = 0x80;
constexpr unsigned length_bits = 0x7F;
constexpr unsigned length16_marker = 126;
constexpr unsigned length64_marker = 127;

// The whole header's size, known from its first two bytes.
std::size_t header_size(const unsigned char* bytes) noexcept {
    const unsigned length = bytes[1] & length_bits;
    const std::size_t extended = length == length16_marker ? 2 : length == length64_marker ? 8 : 0;
    return 2 + extended + ((bytes[1] & mask_bit) != 0 ? 4 : 0);
}

FrameEvent protocol_error(std::string_view reason) noexcept {
    FrameEvent event;
    event.kind = FrameEvent::Kind::Error;
    event.close_code = CloseCode::ProtocolError;
    event.reason = reason;
    return event;
}

}  // namespace

FrameEvent FrameParser::next(char*& pos, char* end) noexcept {
    return in_payload_ ? read_payload(pos, end) : read_header(pos, end);
}

FrameEvent FrameParser::read_header(char*& pos, char* end) noexcept {
    const auto available = static_cast<std::size_t>(end - pos);
    if (available < 2) return {};
    const auto* in = reinterpret_cast<const unsigned char*>(pos);
    // Checked before waiting for the rest: the first two bytes are enough to refuse most bad headers.
    if (const auto why = start_violation(in); !why.empty()) return protocol_error(why);
    const std::size_t size = header_size(in);
    if (available < size) return {};  // left in [pos, end) for the caller to give again
    pos += size;
    return decode(in);
}

std::string_view FrameParser::start_violation(const unsigned char* bytes) const noexcept {
    const unsigned b0 = bytes[0];
    const unsigned b1 = bytes[1];
    const auto opcode = static_cast<std::uint8_t>(b0 & opcode_bits);
    if ((b0 & rsv23_bits) != 0) return "RSV2/RSV3 set";
    if (!is_defined_opcode(opcode)) return "reserved opcode";
    const bool control = is_control(static_cast<Opcode>(opcode));
    if ((b0 & rsv1_bit) != 0) {
        if (control) return "RSV1 set on a control frame";
        if (opcode == static_cast<std::uint8_t>(Opcode::Continuation)) return "RSV1 set on a continuation frame";
        if (!rsv1_allowed_) return "RSV1 set without a negotiated extension";
    }
    if (control && (b0 & fin_bit) == 0) return "fragmented control frame";
    // The 7-bit field must hold a control frame's length: 126 and 127 announce an extended length, which only a
    // payload over 125 bytes may use (RFC 6455 5.2: minimal encoding; 5.5: at most 125).
    if (control && (b1 & length_bits) > max_control_payload) return "control frame length not in 7 bits";
    const bool masked = (b1 & mask_bit) != 0;
    if (role_ == Role::Server && !masked) return "unmasked frame from a client";
    if (role_ == Role::Client && masked) return "masked frame from a server";
    return {};
}

FrameEvent FrameParser::decode(const unsigned char* bytes) noexcept {
    std::uint64_t length = bytes[1] & length_bits;
    std::size_t at = 2;
    if (length == length16_marker || length == length64_marker) {
        const std::size_t width = length == length16_marker ? 2 : 8;
        length = 0;
        for (std::size_t i = 0; i < width; ++i) length = (length << 8) | bytes[at++];
        // RFC 6455 5.2: "the most significant bit MUST be 0".
        if ((length >> 63) != 0) return protocol_error("64-bit payload length has its top bit set");
    }
    header_.fin = (bytes[0] & fin_bit) != 0;
    header_.rsv1 = (bytes[0] & rsv1_bit) != 0;
    header_.opcode = static_cast<Opcode>(bytes[0] & opcode_bits);
    header_.masked = (bytes[1] & mask_bit) != 0;
    if (header_.masked) std::memcpy(header_.mask.data(), bytes + at, header_.mask.size());
    header_.payload_size = length;
    remaining_ = length;
    mask_phase_ = 0;
    in_payload_ = true;
    FrameEvent event;
    event.kind = FrameEvent::Kind::Header;
    return event;
}

FrameEvent FrameParser::read_payload(char*& pos, char* end) noexcept {
    const auto available = static_cast<std::size_t>(end - pos);
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, available));
    // An empty frame still yields one (empty) Payload event, so every frame ends with frame_end.
    if (size == 0 && remaining_ != 0) return {};
    if (header_.masked)
        mask_phase_ = static_cast<std::uint8_t>(apply_mask(pos, pos, size, header_.mask, mask_phase_));
    remaining_ -= size;
    in_payload_ = remaining_ != 0;
    FrameEvent event;
    event.kind = FrameEvent::Kind::Payload;
    event.frame_end = !in_payload_;
    event.payload = std::string_view(pos, size);
    pos += size;
    return event;
}

}  // namespace duplex::detail::ws
