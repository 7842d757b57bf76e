#pragma once
// SHA-1 through OpenSSL's EVP interface, with the digest fetched and the context allocated once per thread. Only
// used where a protocol demands it (the WebSocket accept key), never for security decisions. Any thread (each has
// its own context), no I/O.

#include <array>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace duplex::detail {

using Sha1Digest = std::array<unsigned char, 20>;

// Digest of the concatenation of `parts` (hashed in order, without copying them together).
// std::nullopt only if libcrypto fails (allocation failure, or a provider configuration without SHA-1).
std::optional<Sha1Digest> sha1(std::initializer_list<std::string_view> parts);

}  // namespace duplex::detail
