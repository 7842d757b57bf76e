// UTF-8 validation for text messages and close reasons (RFC 3629 as required by RFC 6455 8.1).
// Utf8Validator: pure value type, any thread, no I/O; one per message being validated, reused via reset().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duplex::detail::ws {

// Incremental validator: a message may be fed in any number of pieces, split anywhere (even inside a
// multi-byte sequence). It fails fast: feed() returns false on the first byte that no continuation could
// make valid (overlong forms, surrogates U+D800..U+DFFF, code points above U+10FFFF, a stray or missing
// continuation byte), so a peer cannot make us buffer a message that is already known to be bad.
class Utf8Validator {
public:
    // Returns false once the input seen so far can never become valid; stays false until reset().
    bool feed(std::string_view bytes) noexcept;

    // True when everything fed so far is valid and does not end inside a multi-byte sequence.
    bool complete() const noexcept { return state_ == 0; }

    void reset() noexcept { state_ = 0; }

private:
    std::uint8_t state_ = 0;  // a DFA state: 0 = between code points; see utf8.cpp
};

bool is_valid_utf8(std::string_view bytes) noexcept;

// The longest prefix of `text` that is at most `max_bytes` long and does not end inside a multi-byte
// sequence (used to cut close reasons to fit a control frame). Assumes `text` is valid UTF-8.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace duplex::detail::ws
