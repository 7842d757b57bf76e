#pragma once
// Sec-WebSocket-Accept computation (RFC 6455 section 1.3 / 4.2.2).
// Pure function: any thread, no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail::ws {

// The GUID every RFC 6455 endpoint appends to the client's key.
inline constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64(SHA-1(client_key + GUID)): 28 characters. The key is hashed exactly as given (the caller trims it).
// std::nullopt only if libcrypto fails.
std::optional<std::string> accept_key(std::string_view client_key);

}  // namespace duplex::detail::ws
