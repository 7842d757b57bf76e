#pragma once
// HMAC-SHA256 (RFC 2104) through OpenSSL's EVP_MAC, for signed cookies.
// Any thread: each thread keeps its own MAC context, keyed by the last key it used (rekeying costs two extra SHA-256
// blocks, so a server signing with one secret keys once per thread).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace duplex::detail {

using Sha256Mac = std::array<std::uint8_t, 32>;

// The MAC of `message` under `key`; std::nullopt if OpenSSL failed (then nothing may be trusted or signed).
std::optional<Sha256Mac> hmac_sha256(std::string_view key, std::string_view message);

}  // namespace duplex::detail
