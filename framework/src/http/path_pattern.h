#pragma once
// Express-like route patterns ("/users/:id", "/files/*path", "*"), compiled once and matched against raw
// (still percent-encoded) request paths.
// PathPattern: immutable value type after compile(); any thread, no I/O; lives as long as the route owning it.
// match() writes into a caller-owned NameValueList (reused across requests, see http/url.h).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/url.h"

namespace duplex::detail {

struct PathPatternOptions {
    bool case_sensitive = false;  // Express's default: "/About" matches "/about"
    bool strict = false;          // false: one trailing slash is optional on both sides ("/a/" matches "/a")
    bool end = true;              // false: prefix match ending at a segment boundary (app.use mounts)
};

struct PatternError {
    std::size_t offset = 0;  // byte of the pattern where the problem was found
    std::string_view reason;  // a static English sentence
};

enum class MatchStatus {
    NoMatch,
    Match,
    BadRequest,  // the path has the pattern's shape but a parameter holds a malformed %-escape: answer 400
};

struct MatchResult {
    MatchStatus status = MatchStatus::NoMatch;
    // Raw bytes of the path the pattern covered. With end = false the rest of the path is empty or starts with '/'
    // (the router strips this prefix for the mounted handler); with end = true it is the whole path.
    std::size_t consumed = 0;

    bool matched() const noexcept { return status == MatchStatus::Match; }
};

// The first bytes of a path, packed into one word once per router walk: a pattern whose leading literal differs
// from them is skipped with one compare (PathPattern::may_match), before match() sets anything up. Most layers a
// request meets are not its own ("/api/..." layers before the static files).
struct PathHead {
    std::uint64_t bytes = 0;  // byte i of the path at bits 8i..8i+7 (each ORed with kFold unless case-sensitive)
    std::uint64_t mask = 0;   // 0xFF over the bytes known: up to 8, none from the first '%' on (escapes compare decoded)
    bool whole = false;       // the known bytes are the whole path

    // Case-insensitive patterns compare bytes with this bit set on both sides: one OR instead of lower-casing. Two
    // bytes equal after ASCII lower-casing stay equal, which is all a filter in front of match() needs.
    static constexpr unsigned char kFold = 0x20;

    static PathHead of(std::string_view path, bool case_sensitive) noexcept {
        PathHead head;
        constexpr std::uint64_t ones = 0x0101010101010101;
        const std::uint64_t fold = case_sensitive ? 0 : ones * kFold;
        if (std::endian::native == std::endian::little && path.size() >= 8) {
            // Eight bytes at once (this runs for every router walk): byte i of the word is path[i].
            std::uint64_t x;
            std::memcpy(&x, path.data(), 8);
            // Bytes from the first '%' on are not known: the first zero byte of x ^ '%%%%...' (exact for the lowest).
            const std::uint64_t y = x ^ (ones * '%');
            const std::uint64_t percent = (y - ones) & ~y & (ones * 0x80);
            const int known_bits = percent ? std::countr_zero(percent) - 7 : 64;
            head.mask = known_bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << known_bits) - 1;
            head.bytes = (x | fold) & head.mask;
            head.whole = known_bits == 64 && path.size() == 8;
            return head;
        }
        const std::size_t n = path.size() < 8 ? path.size() : 8;
        std::size_t i = 0;
        for (; i < n && path[i] != '%'; ++i) {
            head.bytes |= std::uint64_t{static_cast<unsigned char>(path[i])} << (8 * i);
            head.mask |= std::uint64_t{0xFF} << (8 * i);
        }
        head.bytes |= fold & head.mask;
        head.whole = i == path.size();
        return head;
    }
};

// Grammar (a pattern starts with '/' or is exactly "*"):
//   :name    a parameter: one or more bytes inside one segment, shortest first, so "/:from-:to" splits "a-b"
//   *name    a wildcard: one or more bytes to the end of the path, slashes included, longest first; a bare '*' is named
//            "*". At most one per pattern, which keeps the backtracking cost of a hostile path bounded.
//   \c       the byte c taken literally (e.g. "\:" or "\*")
//   %XX      a literal byte written escaped; literals are compared with the path's escapes decoded, so "/café" and
//            "/caf%C3%A9" match either spelling of the path; an escaped "%2F" in a path never matches a '/', and a
//            '%' that starts no valid escape compares as itself (only parameters make malformed escapes a 400).
// Names are [A-Za-z0-9_]+. Reserved bytes ( ) [ ] { } ? + ! are rejected rather than silently meaning something
// else than in Express. A parameter cannot directly follow another one, and there are at most kMaxParams.
class PathPattern {
public:
    static constexpr std::size_t kMaxParams = 16;

    // nullopt (and *error filled when given) for an invalid pattern.
    static std::optional<PathPattern> compile(std::string_view pattern, PathPatternOptions options = {},
                                              PatternError* error = nullptr);

    // Matches `raw_path` (no query). `params` is cleared, then on Match holds each parameter percent-decoded, in
    // pattern order ("+" stays "+"; "%00" yields a NUL byte). Also the "does this path exist for any method" test the
    // router uses to build Allow lists.
    MatchResult match(std::string_view raw_path, NameValueList& params) const;

    // False when match() of the path `head` was taken from (with this pattern's case sensitivity) cannot succeed:
    // its leading literal differs from the path's known first bytes, or is longer than the whole path. True says
    // nothing: match() decides.
    // True when the leading literal is longer than "/": may_match can tell something (every path starts with '/').
    bool has_long_lead() const noexcept { return lead_mask_ > 0xFF; }
    bool may_match(const PathHead& head) const noexcept {
        const std::uint64_t both = head.mask & lead_mask_;
        if ((head.bytes ^ lead_) & both) return false;
        return both == lead_mask_ || !head.whole;
    }

private:
    enum class Kind { Literal, Param, Wildcard };
    struct Token {
        Kind kind;
        std::string text;      // decoded literal bytes (lower-cased unless case-sensitive), or the parameter's name
        std::size_t slot = 0;  // parameters: their index in pattern order
    };
    struct Captures;

    PathPattern() = default;
    std::size_t match_from(std::size_t token, std::string_view path, std::size_t pos, Captures& captures) const;
    std::size_t match_literal(const std::string& literal, std::string_view path, std::size_t pos) const noexcept;
    std::size_t match_tail(std::string_view path, std::size_t pos) const noexcept;

    std::vector<Token> tokens_;
    PathPatternOptions options_;
    std::uint64_t lead_ = 0;       // the leading literal's first bytes, packed as in PathHead
    std::uint64_t lead_mask_ = 0;  // 0xFF over them (0: the pattern starts with a parameter or wildcard)
};

}  // namespace duplex::detail
