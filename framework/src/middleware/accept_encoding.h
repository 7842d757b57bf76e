// Accept-Encoding (RFC 9110 12.5.3) and the choice of a content coding from it.
//
// The parser is a byte-at-a-time state machine: feed() the value in any pieces (a repeated header is one list:
// feed ", " between its lines), then finish(). It keeps a weight for the five names it knows (gzip with its alias
// x-gzip, deflate, br, identity and *) and nothing else, so any value costs time linear in its length and no
// memory. It is strict: anything outside the grammar (a parameter other than q, a q-value such as "0.5000" or "2",
// a quoted string) makes the whole value invalid, and an invalid value asks for identity only.
// Pure: any thread, no I/O, no allocation.
#pragma once

#include <cstdint>
#include <string_view>

namespace duplex::detail {

enum class Coding : std::uint8_t { Identity, Gzip, Deflate, Brotli };

/// "gzip", "deflate", "br"; "identity" for Identity.
std::string_view coding_name(Coding coding) noexcept;

/// What an Accept-Encoding value said, in thousandths (q=0.5 is 500); -1 where a name was not listed. When a
/// name is listed more than once, its first weight counts.
struct AcceptedCodings {
    bool present = false;  // a value was given (an absent header asks for identity only)
    bool valid = true;
    std::int16_t gzip = -1, deflate = -1, br = -1, identity = -1, any = -1;
};

class AcceptEncodingParser {
public:
    void feed(std::string_view bytes) noexcept;
    /// The result; the parser must not be fed after this.
    AcceptedCodings finish() noexcept;

private:
    enum class State : std::uint8_t { Element, Name, AfterName, Param, Equals, QFirst, QDot, QFrac, AfterQ, Bad };
    void step(char c) noexcept;
    void end_name() noexcept;
    void end_element() noexcept;

    AcceptedCodings result_{.present = true};
    State state_ = State::Element;
    char name_[8] = {};           // the current name, lower-cased, while it can still be a known one
    std::uint8_t name_len_ = 0;   // 9: longer than any known name
    std::int16_t* slot_ = nullptr;  // the weight the current element sets; null for an unknown name
    std::int16_t q_ = 1000;
    std::uint8_t frac_digits_ = 0;
};

/// Parses a whole value (several header lines joined with ", ").
AcceptedCodings parse_accept_encoding(std::string_view value) noexcept;

/// Which codings a server offers, in its order of preference when weights tie.
struct CodingOffer {
    bool br = true, gzip = true, deflate = true;
};

/// The coding to answer with: the offered one with the highest non-zero weight (a name not listed takes the weight
/// of "*"), ties broken by br, gzip, deflate; Identity when identity was listed with a higher weight than all of
/// them, when none qualifies, when there was no header, or when it
/// was invalid. A client that refuses identity too (identity;q=0, or *;q=0 without identity) still gets identity:
/// RFC 9110 12.5.3 lets a server send it rather than answer 406.
Coding negotiate(const AcceptedCodings& accepted, const CodingOffer& offer) noexcept;

}  // namespace duplex::detail
