#pragma once
// Express-like route patterns ("/users/:id", "/files/*path", "*"), compiled once and matched against raw
// (still percent-encoded) request paths.
// PathPattern: immutable value type after compile(); any thread, no I/O; lives as long as the route owning it.
// match() writes into a caller-owned NameValueList (reused across requests, see http/url.h).

#include <cstddef>
#include <cstdint>
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
    std::uint64_t bytes = 0;  // byte i of the path at bits 8i..8i+7 (lower-cased unless case-sensitive)
    std::uint8_t known = 0;   // how many: up to 8, and none from the first '%' on (escapes compare decoded)
    bool whole = false;       // the known bytes are the whole path

    static PathHead of(std::string_view path, bool case_sensitive) noexcept;
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
    bool may_match(const PathHead& head) const noexcept {
        const unsigned k = lead_len_ < head.known ? lead_len_ : head.known;
        const std::uint64_t mask = k >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * k)) - 1;
        if ((head.bytes ^ lead_) & mask) return false;
        return k == lead_len_ || !head.whole;
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
    std::uint64_t lead_ = 0;     // the leading literal's first bytes, packed as in PathHead
    std::uint8_t lead_len_ = 0;  // how many (0: the pattern starts with a parameter or wildcard)
};

}  // namespace duplex::detail
