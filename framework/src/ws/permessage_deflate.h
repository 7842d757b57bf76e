#pragma once
// permessage-deflate negotiation (RFC 7692 section 7.1), for both roles.
// Pure functions: any thread, no I/O. "server_*" parameters always describe what the server compresses and
// "client_*" what the client compresses, whichever side we are.
//
// Window bits 8: zlib refuses raw deflate streams with windowBits 8 (deflateInit2 returns Z_STREAM_ERROR; its
// manual says 8 is silently raised to 9 for zlib-wrapped streams). Compressing with a 512-byte window while
// announcing 256 would let a strict peer fail on distances above 256. We can still agree to 8: our Deflater then
// uses the Z_RLE strategy, whose matches all have distance 1, so the stream is valid for any window size (see
// deflate.h). Negotiation therefore accepts 8 like any other value.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ws/extensions.h"

namespace duplex::detail::ws {

inline constexpr std::string_view kPermessageDeflate = "permessage-deflate";

// What one endpoint is willing to do. Window bits outside 8..15 are clamped into range.
struct DeflateConfig {
    bool enabled = false;
    bool server_no_context_takeover = false;  // server resets its compressor after every message
    bool client_no_context_takeover = false;  // ask the client to reset its compressor after every message
    std::uint8_t server_max_window_bits = 15;
    std::uint8_t client_max_window_bits = 15;  // applied only when the client says it supports the parameter
    int mem_level = 8;                         // zlib memLevel (1..9) of our compressor; not negotiated
};

// What both ends agreed on for one connection.
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::uint8_t server_max_window_bits = 15;
    std::uint8_t client_max_window_bits = 15;

    friend bool operator==(const DeflateParams&, const DeflateParams&) = default;
};

// Server: picks the first acceptable permessage-deflate offer in `offers` (other extensions are ignored). Offers with
// unknown, duplicate or invalid parameters are declined, not fatal. On success appends the response element
// (e.g. "permessage-deflate; server_max_window_bits=10") to `response` and returns the agreed parameters.
std::optional<DeflateParams> negotiate_deflate(std::span<const Extension> offers, const DeflateConfig& config,
                                               std::string& response);

// Client: appends our single offer for `config` (always announcing client_max_window_bits support).
void append_deflate_offer(const DeflateConfig& config, std::string& out);

// Client: checks the server's permessage-deflate response element against the offer made for `offered`.
// std::nullopt means the response is unacceptable and the client must fail the connection.
std::optional<DeflateParams> accept_deflate_response(const Extension& response, const DeflateConfig& offered);

}  // namespace duplex::detail::ws
