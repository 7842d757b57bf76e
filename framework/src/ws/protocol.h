// RFC 6455 constants shared by the framing layer, the session and a future client.
// Plain constants and enums: pure value types, any thread, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>

namespace duplex::detail::ws {

// Frame opcodes (RFC 6455 5.2). Values 3-7 and 0xB-0xF are reserved and never appear here.
enum class Opcode : std::uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// Close status codes (RFC 6455 7.4.1 and the IANA registry). The enum's underlying type is the wire
// type, so application codes 3000-4999 are held as static_cast<CloseCode>(n).
enum class CloseCode : std::uint16_t {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    NoStatus = 1005,        // never sent: stands for "the Close frame had no payload"
    Abnormal = 1006,        // never sent: stands for "the connection dropped without a Close"
    InvalidPayload = 1007,  // e.g. a text message that is not UTF-8
    PolicyViolation = 1008,
    MessageTooBig = 1009,
    MandatoryExtension = 1010,
    InternalError = 1011,
    ServiceRestart = 1012,
    TryAgainLater = 1013,
    BadGateway = 1014,
    TlsHandshake = 1015,    // never sent
};

// Which end of the connection this code runs on: it decides which frames must be masked.
enum class Role : std::uint8_t { Server, Client };

// Control frames carry at most this many payload bytes (RFC 6455 5.5).
inline constexpr std::size_t max_control_payload = 125;

// The largest frame header: 2 bytes + 8-byte extended length + 4-byte mask key.
inline constexpr std::size_t max_frame_header_size = 14;

constexpr bool is_control(Opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// True for the six opcodes RFC 6455 defines; false for the reserved ones.
constexpr bool is_defined_opcode(std::uint8_t op) noexcept { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

constexpr std::uint16_t to_wire(CloseCode code) noexcept { return static_cast<std::uint16_t>(code); }

}  // namespace duplex::detail::ws
