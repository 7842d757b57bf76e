#include "http/path_pattern.h"

#include <algorithm>
#include <array>

namespace duplex::detail {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Bytes that Express's path-to-regexp gives a meaning to; refusing them beats silently matching them literally.
bool is_reserved(char c) noexcept {
    return std::string_view("()[]{}?+!").find(c) != npos;
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

// Where each parameter matched, as raw slices of the path; only decoded once the whole pattern has matched.
// Also what backtracking already learnt: without it "/:a-:b-:c/end" against a long run of '-' tries every way to cut
// the run, O(n^3) (seconds of loop time for a path of a few KiB).
struct PathPattern::Captures {
    std::array<std::string_view, kMaxParams> spans;
    // The tokens after a parameter or wildcard depend only on where they start, so once they failed from every end in
    // (failed_above, failed_limit], no later attempt with the same limit (same segment, or the path's end) retries
    // those ends: each end is tried at most once per limit.
    std::array<std::size_t, kMaxParams> failed_above;
    std::array<std::size_t, kMaxParams> failed_limit;

    Captures() {
        failed_above.fill(npos);
        failed_limit.fill(npos);
    }
    // The highest end still worth trying for `slot` when its ends may go up to `limit`.
    std::size_t untried_up_to(std::size_t slot, std::size_t limit) const noexcept {
        return failed_limit[slot] == limit ? std::min(failed_above[slot], limit) : limit;
    }
    // Every end in (pos, limit] failed for `slot`.
    void failed(std::size_t slot, std::size_t pos, std::size_t limit) noexcept {
        failed_above[slot] = failed_limit[slot] == limit ? std::min(failed_above[slot], pos) : pos;
        failed_limit[slot] = limit;
    }
};

std::optional<PathPattern> PathPattern::compile(std::string_view text, PathPatternOptions options,
                                                PatternError* error) {
    const auto fail = [error](std::size_t offset, std::string_view reason) -> std::optional<PathPattern> {
        if (error != nullptr) *error = PatternError{offset, reason};
        return std::nullopt;
    };
    PathPattern pattern;
    pattern.options_ = options;
    if (text == "*") {
        pattern.tokens_.push_back(Token{Kind::Wildcard, "*", 0});
        return pattern;
    }
    if (text.empty() || text.front() != '/') return fail(0, "a pattern must start with '/' or be \"*\"");
    // Non-strict: the trailing slash becomes optional, which match_tail() grants on the path side.
    if (!options.strict && text.size() > 1 && text.back() == '/') text.remove_suffix(1);

    std::size_t params = 0;
    bool has_wildcard = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == ':' || c == '*') {
            const std::size_t start = i++;
            while (i < text.size() && is_name_char(text[i])) ++i;
            const std::string_view name = text.substr(start + 1, i - start - 1);
            if (c == ':' && name.empty()) return fail(start, "':' must be followed by a parameter name");
            if (c == '*') {
                if (has_wildcard) return fail(start, "a pattern may hold only one wildcard");
                has_wildcard = true;
            }
            if (!pattern.tokens_.empty() && pattern.tokens_.back().kind != Kind::Literal) {
                return fail(start, "two parameters must be separated by literal text");
            }
            if (params == kMaxParams) return fail(start, "too many parameters");
            const Kind kind = c == ':' ? Kind::Param : Kind::Wildcard;
            // A bare '*' takes its own spelling as name.
            pattern.tokens_.push_back(Token{kind, std::string(name.empty() ? text.substr(start, 1) : name), params++});
            continue;
        }

        char byte = c;
        if (c == '\\') {
            if (i + 1 == text.size()) return fail(i, "a pattern cannot end with '\\'");
            byte = text[i + 1];
            i += 2;
        } else if (c == '%') {
            const int escaped = escaped_byte_at(text, i);
            if (escaped < 0) return fail(i, "'%' must be followed by two hex digits");
            byte = static_cast<char>(escaped);
            i += 3;
        } else if (is_reserved(c)) {
            return fail(i, "reserved character; escape it with '\\'");
        } else {
            ++i;
        }
        if (pattern.tokens_.empty() || pattern.tokens_.back().kind != Kind::Literal) {
            pattern.tokens_.push_back(Token{Kind::Literal, {}, 0});
        }
        pattern.tokens_.back().text.push_back(options.case_sensitive ? byte : ascii_lower(byte));
    }
    if (!pattern.tokens_.empty() && pattern.tokens_[0].kind == Kind::Literal) {
        const std::string& lead = pattern.tokens_[0].text;
        const unsigned char fold = options.case_sensitive ? 0 : PathHead::kFold;  // as PathHead::of folds
        for (std::size_t b = 0; b < std::min<std::size_t>(lead.size(), 8); ++b) {
            pattern.lead_ |= std::uint64_t{static_cast<unsigned char>(lead[b] | fold)} << (8 * b);
            pattern.lead_mask_ |= std::uint64_t{0xFF} << (8 * b);
        }
    }
    return pattern;
}

MatchResult PathPattern::match(std::string_view raw_path, NameValueList& params) const {
    params.clear();
    // Most routes a request meets are not its own and fail in their leading literal ("/api/..."): find that out
    // before setting up the captures.
    std::size_t token = 0, pos = 0;
    if (!tokens_.empty() && tokens_[0].kind == Kind::Literal) {
        pos = match_literal(tokens_[0].text, raw_path, 0);
        if (pos == npos) return {};
        token = 1;
    }
    Captures captures;
    const std::size_t consumed = match_from(token, raw_path, pos, captures);
    if (consumed == npos) return {};
    for (const Token& token : tokens_) {
        if (token.kind == Kind::Literal) continue;
        NameValue& pair = params.append();
        pair.name.assign(token.text);
        if (percent_decode(captures.spans[token.slot], pair.value) != DecodeStatus::Ok) {
            params.clear();
            return {MatchStatus::BadRequest, consumed};
        }
    }
    return {MatchStatus::Match, consumed};
}

// Returns how much of the path the pattern covers when tokens [token..] match from `pos`, or npos.
std::size_t PathPattern::match_from(std::size_t token, std::string_view path, std::size_t pos,
                                    Captures& captures) const {
    if (token == tokens_.size()) return match_tail(path, pos);
    const Token& t = tokens_[token];
    switch (t.kind) {
    case Kind::Literal: {
        const std::size_t next = match_literal(t.text, path, pos);
        return next == npos ? npos : match_from(token + 1, path, next, captures);
    }
    case Kind::Param: {
        const std::size_t segment_end = std::min(path.find('/', pos), path.size());
        const std::size_t last = captures.untried_up_to(t.slot, segment_end);
        // When what follows must start at a '/' (the pattern's end, or a literal '/'), only the whole segment
        // can match: the shorter tries would all fail, so the common "/users/:id" costs one try, not one per byte.
        const bool boundary_next = token + 1 == tokens_.size() ||
            (tokens_[token + 1].kind == Kind::Literal && tokens_[token + 1].text.starts_with('/'));
        const std::size_t first = boundary_next ? std::max(pos + 1, segment_end) : pos + 1;
        for (std::size_t end = first; end <= last; ++end) {  // shortest first, like Express's [^/]+?
            const std::size_t consumed = match_from(token + 1, path, end, captures);
            if (consumed != npos) {
                captures.spans[t.slot] = path.substr(pos, end - pos);
                return consumed;
            }
        }
        captures.failed(t.slot, pos, segment_end);
        return npos;
    }
    case Kind::Wildcard:
        // Longest first; the ends above `untried_up_to` failed already, so skipping them keeps that order.
        for (std::size_t end = captures.untried_up_to(t.slot, path.size()); end > pos; --end) {
            const std::size_t consumed = match_from(token + 1, path, end, captures);
            if (consumed != npos) {
                captures.spans[t.slot] = path.substr(pos, end - pos);
                return consumed;
            }
        }
        captures.failed(t.slot, pos, path.size());
        return npos;
    }
    return npos;
}

// Compares a decoded literal with the raw path from `pos`, decoding the path's escapes on the fly.
std::size_t PathPattern::match_literal(const std::string& literal, std::string_view path,
                                       std::size_t pos) const noexcept {
    for (const char expected : literal) {
        if (pos >= path.size()) return npos;
        char byte = path[pos];
        std::size_t width = 1;
        if (const int escaped = escaped_byte_at(path, pos); escaped >= 0) {
            // An escaped slash is data inside a segment, never the separator a literal '/' stands for.
            if (escaped == '/') return npos;
            byte = static_cast<char>(escaped);
            width = 3;
        }
        if ((options_.case_sensitive ? byte : ascii_lower(byte)) != expected) return npos;
        pos += width;
    }
    return pos;
}

// Decides whether the path may end (or, for prefix patterns, be cut) at `pos`.
std::size_t PathPattern::match_tail(std::string_view path, std::size_t pos) const noexcept {
    const std::string_view rest = path.substr(pos);
    if (options_.end) {
        return rest.empty() || (!options_.strict && rest == "/") ? path.size() : npos;
    }
    // The pattern itself ended with '/' (as "/" does): leave that slash to the mounted handler's path.
    if (pos > 0 && path[pos - 1] == '/') return pos - 1;
    return rest.empty() || rest.front() == '/' ? pos : npos;
}

}  // namespace duplex::detail
