// Close frame payloads (RFC 6455 5.5.1, 7.4): checking what a peer sent, building what we send.
// Pure functions and value types: any thread, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "duplex/close_code.h"
#include "ws/ws_constants.h"

namespace duplex::detail::ws {

struct ParsedClose {
    bool ok = false;
    // ok: the peer's code (1005 NoStatus for an empty payload). Not ok: the code to fail with (1002/1007).
    std::uint16_t code = 0;
    // ok: the peer's reason, valid UTF-8, a view into the parsed payload. Not ok: why, static text.
    std::string_view reason;
};

// True for codes a peer may put in a Close frame: 1000-1003, 1007-1014 and 3000-4999. 1004, 1005, 1006
// and 1015 are reserved and never sent. 1012-1014 are IANA-registered after RFC 6455 and accepted, as
// Autobahn expects.
bool is_valid_received_close_code(std::uint16_t code) noexcept;

ParsedClose parse_close_payload(std::string_view payload) noexcept;

// A Close payload ready to send, built without allocating.
class ClosePayload {
public:
    std::string_view view() const noexcept { return {bytes_.data(), size_}; }

private:
    friend ClosePayload make_close_payload(std::uint16_t code, std::string_view reason) noexcept;
    std::array<char, max_control_payload> bytes_{};
    std::size_t size_ = 0;
};

// code (big-endian) then reason, the reason cut on a UTF-8 boundary so the payload fits in 125 bytes.
// NoStatus (1005) yields an empty payload: that code stands for "no code" and is never sent.
// `reason` should be valid UTF-8 (the peer fails the connection with 1007 otherwise).
ClosePayload make_close_payload(std::uint16_t code, std::string_view reason) noexcept;

}  // namespace duplex::detail::ws
