// The client side of the WebSocket opening handshake (RFC 6455 section 4): the upgrade request and the check of the
// server's 101 answer, including Sec-WebSocket-Accept.
//
// Pure functions and value types: any thread, no I/O. SHA-1 and base64 come from OpenSSL's libcrypto.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

// The 24-character Sec-WebSocket-Key of one connection and the 28-character accept value the server must answer.
struct HandshakeKeys {
    std::array<char, 24> key{};
    std::array<char, 28> accept{};
};

// Derives a key from 16 pseudo-random bytes made from seed, and the accept value it implies.
HandshakeKeys make_handshake_keys(std::uint64_t seed);

// Appends the GET upgrade request. host is the Host header value ("127.0.0.1:8080"), path starts with '/'.
void append_upgrade_request(std::string& out, std::string_view host, std::string_view path, const HandshakeKeys& keys);

enum class HandshakeResult { need_more, accepted, rejected };

// Looks at the bytes received so far. On accepted, head_size is the length of the response head (the bytes after it
// are already WebSocket frames). Rejected means not a 101, or a missing or wrong Sec-WebSocket-Accept.
HandshakeResult check_upgrade_response(std::string_view data, const HandshakeKeys& keys, std::size_t& head_size);

}  // namespace loadgen
