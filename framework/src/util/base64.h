#pragma once
// Base64 (RFC 4648 section 4, standard alphabet, with padding).
// Pure functions: any thread, no I/O, no exceptions beyond std::bad_alloc from the output string.

#include <string>
#include <string_view>

namespace duplex::detail {

// Appends the base64 form of `bytes` to `out`.
void base64_encode(std::string_view bytes, std::string& out);

// Appends the base64url form of `bytes` (RFC 4648 section 5: '-' and '_' for '+' and '/') without padding, for
// tokens that go into cookies and URLs.
void base64url_encode(std::string_view bytes, std::string& out);

// Strictly decodes `text` and appends the bytes to `out`. Rejects (returns false, `out` unchanged): a length that is
// not a multiple of 4, characters outside the alphabet, whitespace, '=' anywhere but the last one or two places, and
// non-zero bits hidden under the padding (so every byte string has exactly one accepted encoding).
bool base64_decode(std::string_view text, std::string& out);

}  // namespace duplex::detail
