// RFC 6455 constants shared by the framing layer, the session and the client: opcodes, roles, sizes.
// (Close codes are public: duplex/close_code.h.)
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

// Which end of the connection this code runs on: it decides which frames must be masked.
enum class Role : std::uint8_t { Server, Client };

// Control frames carry at most this many payload bytes (RFC 6455 5.5).
inline constexpr std::size_t max_control_payload = 125;

// The largest frame header: 2 bytes + 8-byte extended length + 4-byte mask key.
inline constexpr std::size_t max_frame_header_size = 14;

constexpr bool is_control(Opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// True for the six opcodes RFC 6455 defines; false for the reserved ones.
constexpr bool is_defined_opcode(std::uint8_t op) noexcept { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

}  // namespace duplex::detail::ws
