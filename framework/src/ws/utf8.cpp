#include "ws/utf8.h"

#include <array>
#include <cstring>

namespace duplex::detail::ws {
namespace {

// Bytes fall into classes that behave alike in every state (RFC 3629 section 4 table). The narrow
// continuation ranges exist because the byte after E0, ED, F0 and F4 is restricted: that is where
// overlongs, surrogates and code points above U+10FFFF are rejected, one byte early.
enum ByteClass : std::uint8_t {
    Ascii,      // 00..7F
    Cont80,     // 80..8F
    Cont90,     // 90..9F
    ContA0,     // A0..BF
    Lead2,      // C2..DF
    LeadE0,     // E0: next byte A0..BF (else overlong)
    Lead3,      // E1..EC, EE..EF
    LeadED,     // ED: next byte 80..9F (else surrogate)
    LeadF0,     // F0: next byte 90..BF (else overlong)
    Lead4,      // F1..F3
    LeadF4,     // F4: next byte 80..8F (else above U+10FFFF)
    Never,      // C0, C1, F5..FF: cannot start anything valid
};
constexpr std::size_t class_count = Never + 1;

// States name what the next byte must be. Accept must be 0 (see Utf8Validator::complete).
enum State : std::uint8_t {
    Accept,
    Reject,
    Need1,      // one more continuation byte, any 80..BF
    Need2,
    Need3,
    AfterE0,    // A0..BF then one more
    AfterED,    // 80..9F then one more
    AfterF0,    // 90..BF then two more
    AfterF4,    // 80..8F then two more
};
constexpr std::size_t state_count = AfterF4 + 1;

constexpr ByteClass classify(unsigned byte) {
    if (byte < 0x80) return Ascii;
    if (byte < 0x90) return Cont80;
    if (byte < 0xA0) return Cont90;
    if (byte < 0xC0) return ContA0;
    if (byte < 0xC2) return Never;
    if (byte < 0xE0) return Lead2;
    if (byte == 0xE0) return LeadE0;
    if (byte == 0xED) return LeadED;
    if (byte < 0xF0) return Lead3;
    if (byte == 0xF0) return LeadF0;
    if (byte < 0xF4) return Lead4;
    if (byte == 0xF4) return LeadF4;
    return Never;
}

constexpr State step(State state, ByteClass cls) {
    const bool any_cont = cls == Cont80 || cls == Cont90 || cls == ContA0;
    switch (state) {
    case Accept:
        switch (cls) {
        case Ascii: return Accept;
        case Lead2: return Need1;
        case LeadE0: return AfterE0;
        case Lead3: return Need2;
        case LeadED: return AfterED;
        case LeadF0: return AfterF0;
        case Lead4: return Need3;
        case LeadF4: return AfterF4;
        default: return Reject;
        }
    case Need1: return any_cont ? Accept : Reject;
    case Need2: return any_cont ? Need1 : Reject;
    case Need3: return any_cont ? Need2 : Reject;
    case AfterE0: return cls == ContA0 ? Need1 : Reject;
    case AfterED: return cls == Cont80 || cls == Cont90 ? Need1 : Reject;
    case AfterF0: return cls == Cont90 || cls == ContA0 ? Need2 : Reject;
    case AfterF4: return cls == Cont80 ? Need2 : Reject;
    default: return Reject;
    }
}

// Both tables are computed at compile time from the rules above, so the hot loop is two loads per byte.
constexpr auto byte_classes = [] {
    std::array<std::uint8_t, 256> table{};
    for (unsigned b = 0; b < 256; ++b) table[b] = classify(b);
    return table;
}();

constexpr auto transitions = [] {
    std::array<std::uint8_t, state_count * class_count> table{};
    for (unsigned s = 0; s < state_count; ++s)
        for (unsigned c = 0; c < class_count; ++c)
            table[s * class_count + c] = step(static_cast<State>(s), static_cast<ByteClass>(c));
    return table;
}();

// Eight bytes are pure ASCII when none has its top bit set.
bool ascii8(const unsigned char* p) noexcept {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return (word & 0x8080808080808080ULL) == 0;
}

}  // namespace

bool Utf8Validator::feed(std::string_view bytes) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* const end = p + bytes.size();
    std::uint8_t state = state_;
    while (p != end && state != Reject) {
        if (state == Accept) {
            // Text is mostly ASCII: skip it a word at a time, then byte by byte up to the next lead byte.
            while (end - p >= 8 && ascii8(p)) p += 8;
            while (p != end && *p < 0x80) ++p;
            if (p == end) break;
        }
        state = transitions[state * class_count + byte_classes[*p++]];
    }
    state_ = state;
    return state != Reject;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
    Utf8Validator validator;
    return validator.feed(bytes) && validator.complete();
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    // Back up over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

}  // namespace duplex::detail::ws
