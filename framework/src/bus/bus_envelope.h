// The bridge's wire format: what one PUBLISH carries on the Redis channel <prefix><topic>.
//
//   byte 0       format version (1)
//   bytes 1..8   origin: the publishing process's random id (a process drops what it published itself)
//   byte 9       't' text or 'b' binary (the WebSocket opcode the subscribers get)
//   bytes 10..   the message, as sent (binary-safe)
//
// Pure: no I/O, any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail::bus {

inline constexpr std::size_t kEnvelopeHeader = 10;

struct Envelope {
    std::uint64_t origin = 0;
    bool binary = false;
    std::string_view payload;  // points into the decoded bytes
};

// The bytes that go before a message's payload.
std::array<char, kEnvelopeHeader> envelope_header(std::uint64_t origin, bool binary);
// nullopt for anything that is not version 1 with a known opcode.
std::optional<Envelope> decode_envelope(std::string_view bytes);

// This process's origin id: random, drawn once (any thread; the same value on every thread of the process).
std::uint64_t process_origin_id();

}  // namespace duplex::detail::bus
