// Fuzz target: the URL pieces (percent_decode, parse_query, split_target) and the router's PathPattern.
// Input layout (FuzzedDataProvider): the last byte holds the pattern options; from the front, a pattern and a path
// (ConsumeRandomLengthString: each ends at a backslash followed by any other byte), then the rest is free text.
// Invariants: decoding agrees with a plain reference decoder and restores `out` on error, decode(encode(x)) == x,
// parse_query agrees with a reference split, split_target returns views inside its input, and a match consumes at
// most the path, with at most kMaxParams parameters, may_match never refuses a path match() takes, a parameter gets
// back exactly the bytes encoded into it, and on small patterns PathPattern finds the same match and captures as
// plain backtracking.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/url.h"
#include "http/path_pattern.h"

namespace {

using namespace duplex::detail;

// Escapes every byte that is not unreserved (RFC 3986 2.3); with `plus_as_space`, a space becomes '+'.
std::string encode(std::string_view bytes, bool plus_as_space) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        const bool unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                                b == '-' || b == '.' || b == '_' || b == '~';
        if (unreserved) {
            out.push_back(c);
        } else if (plus_as_space && c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 15]);
        }
    }
    return out;
}

// The decoder written the slow, obvious way, to compare with the real one.
std::optional<std::string> reference_decode(std::string_view in, DecodeOptions options) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (options.plus_as_space && in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] != '%') {
            out.push_back(in[i]);
        } else {
            if (i + 2 >= in.size()) return std::nullopt;
            const int hi = hex_digit_value(in[i + 1]);
            const int lo = hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            const char byte = static_cast<char>(hi * 16 + lo);
            if (byte == '\0' && options.reject_nul) return std::nullopt;
            out.push_back(byte);
            i += 2;
        }
    }
    return out;
}

void check_decode(std::string_view text) {
    for (const DecodeOptions options : {DecodeOptions{}, DecodeOptions{true, false}, DecodeOptions{false, true},
                                        DecodeOptions{true, true}}) {
        static constexpr std::string_view prefix = "kept";
        std::string out(prefix);
        const DecodeStatus status = percent_decode(text, out, options);
        const std::optional<std::string> expected = reference_decode(text, options);
        FUZZ_CHECK((status == DecodeStatus::Ok) == expected.has_value());
        if (expected) {
            FUZZ_CHECK(out == std::string(prefix) + *expected);
        } else {
            FUZZ_CHECK(out == prefix);
        }
        // Round trip of arbitrary bytes through our own encoder.
        std::string decoded;
        FUZZ_CHECK(percent_decode(encode(text, options.plus_as_space), decoded, {options.plus_as_space, false}) ==
                   DecodeStatus::Ok);
        FUZZ_CHECK(decoded == text);
    }
}

void check_query(std::string_view query) {
    for (const bool reject_nul : {false, true}) {
        NameValueList pairs;
        pairs.append().name = "stale";  // parse_query must clear what was there
        const DecodeStatus status = parse_query(query, pairs, reject_nul);
        if (status != DecodeStatus::Ok) {
            FUZZ_CHECK(pairs.empty());
            continue;
        }
        // Reference: split on '&', skip empty pieces, split each on its first '='.
        std::size_t index = 0;
        std::string_view rest = query;
        while (true) {
            const std::size_t amp = rest.find('&');
            const std::string_view piece = rest.substr(0, amp);
            if (!piece.empty()) {
                const std::size_t eq = piece.find('=');
                const auto name = reference_decode(piece.substr(0, eq), {true, reject_nul});
                const auto value = reference_decode(
                    eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1), {true, reject_nul});
                FUZZ_CHECK(name && value);
                FUZZ_CHECK(index < pairs.size());
                FUZZ_CHECK(pairs[index].name == *name && pairs[index].value == *value);
                ++index;
            }
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
        FUZZ_CHECK(index == pairs.size());
        if (!pairs.empty()) FUZZ_CHECK(pairs.find(pairs[0].name) == std::string_view(pairs[0].value));
    }
}

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_split(std::string_view target) {
    const std::optional<Target> split = split_target(target);
    if (!split) return;
    FUZZ_CHECK(!target.empty());
    FUZZ_CHECK(!split->path.empty());
    FUZZ_CHECK(split->path.find_first_of("?#") == std::string_view::npos);
    FUZZ_CHECK(split->query.find('#') == std::string_view::npos);
    FUZZ_CHECK(split->has_query || split->query.empty());
    if (!split->query.empty()) FUZZ_CHECK(inside(split->query, target));
    switch (split->form) {
    case TargetForm::Asterisk:
        FUZZ_CHECK(target == "*" && split->path == "*");
        break;
    case TargetForm::Origin:
        FUZZ_CHECK(target.front() == '/' && inside(split->path, target));
        FUZZ_CHECK(split->path.front() == '/');
        break;
    case TargetForm::Absolute:
        FUZZ_CHECK(target.find("://") != std::string_view::npos);
        FUZZ_CHECK(split->path.front() == '/');
        break;
    }
}

void check_match(std::string_view pattern_text, std::string_view path, PathPatternOptions options) {
    const std::optional<PathPattern> pattern = PathPattern::compile(pattern_text, options);
    if (!pattern) return;
    NameValueList params;
    const MatchResult result = pattern->match(path, params);
    FUZZ_CHECK(result.consumed <= path.size());
    FUZZ_CHECK(params.size() <= PathPattern::kMaxParams);
    // The router's cheap skip never skips a pattern that match() would take (or answer 400 for).
    if (result.status != MatchStatus::NoMatch) FUZZ_CHECK(pattern->may_match(PathHead::of(path, options.case_sensitive)));
    if (!result.matched()) return;
    if (options.end) {
        FUZZ_CHECK(result.consumed == path.size());
    } else {
        FUZZ_CHECK(result.consumed == path.size() || path[result.consumed] == '/');
    }
}

// Encoded bytes come back whole from a parameter, and an escaped literal matches its own spelling.
void check_round_trips(std::string_view bytes, PathPatternOptions options) {
    if (bytes.empty()) return;
    const std::string encoded = encode(bytes, false);
    NameValueList params;
    const auto param = PathPattern::compile("/:p", options);
    FUZZ_CHECK(param.has_value());
    FUZZ_CHECK(param->match("/" + encoded, params).matched());
    FUZZ_CHECK(params.size() == 1 && params[0].name == "p" && params[0].value == bytes);

    const auto wildcard = PathPattern::compile("/files/*rest", options);
    FUZZ_CHECK(wildcard.has_value());
    FUZZ_CHECK(wildcard->match("/files/" + encoded, params).matched());
    FUZZ_CHECK(params.size() == 1 && params[0].value == bytes);

    if (bytes.find('/') != std::string_view::npos) return;  // an escaped '/' never matches a literal one
    options.case_sensitive = true;
    const auto literal = PathPattern::compile("/" + encoded, options);
    FUZZ_CHECK(literal.has_value());
    const MatchResult own = literal->match("/" + encoded, params);
    FUZZ_CHECK(own.matched() && params.empty());
}

// Plain backtracking over a pattern of single-byte literals, parameters and at most one wildcard, trying cuts in the
// order the grammar promises (parameters shortest first, the wildcard longest first): the reference for
// PathPattern, whose backtracking skips cuts it has seen fail. Exponential, so only fed short inputs.
struct RefToken {
    enum Kind { Literal, Param, Wildcard } kind;
    char literal = 0;
};

bool reference_match(const std::vector<RefToken>& tokens, std::size_t token, std::string_view path, std::size_t pos,
                     std::vector<std::string>& captures) {
    if (token == tokens.size()) return pos == path.size();
    const RefToken& t = tokens[token];
    if (t.kind == RefToken::Literal)
        return pos < path.size() && path[pos] == t.literal && reference_match(tokens, token + 1, path, pos + 1, captures);
    const std::size_t first_end = t.kind == RefToken::Param ? pos + 1 : path.size();
    const std::size_t segment_end = std::min(path.find('/', pos), path.size());
    for (std::size_t end = first_end; t.kind == RefToken::Param ? end <= segment_end : end > pos;
         t.kind == RefToken::Param ? ++end : --end) {
        const std::size_t slot = captures.size();
        captures.emplace_back(path.substr(pos, end - pos));
        if (reference_match(tokens, token + 1, path, end, captures)) return true;
        captures.resize(slot);
    }
    return false;
}

// Patterns and paths over a small alphabet without escapes (raw and decoded bytes agree), matched by PathPattern
// (case-sensitive, strict, anchored) and by the reference: same outcome, same captures.
void check_against_reference(std::string_view pattern_bytes, std::string_view path_bytes) {
    static constexpr std::string_view literals = "ab-/.";
    std::string pattern = "/";
    std::vector<RefToken> tokens = {{RefToken::Literal, '/'}};
    bool has_wildcard = false;
    std::size_t params = 0;
    for (const char c : pattern_bytes.substr(0, 16)) {
        const auto pick = static_cast<unsigned char>(c);
        const bool after_param = tokens.back().kind != RefToken::Literal;
        if (pick % 8 == 5 && !after_param) {
            pattern += ":p" + std::to_string(params++);
            tokens.push_back({RefToken::Param});
        } else if (pick % 8 == 6 && !after_param && !has_wildcard) {
            pattern += "*w" + std::to_string(params++);
            tokens.push_back({RefToken::Wildcard});
            has_wildcard = true;
        } else {
            const char literal = literals[pick % literals.size()];
            if (after_param) pattern.push_back('\\');  // keeps a letter out of the parameter's name
            pattern.push_back(literal);
            tokens.push_back({RefToken::Literal, literal});
        }
    }
    std::string path = "/";
    for (const char c : path_bytes.substr(0, 32)) path.push_back(literals[static_cast<unsigned char>(c) % 5]);

    const auto compiled = PathPattern::compile(pattern, {.case_sensitive = true, .strict = true, .end = true});
    FUZZ_CHECK(compiled.has_value());
    NameValueList found;
    const MatchResult result = compiled->match(path, found);
    std::vector<std::string> expected;
    const bool matched = reference_match(tokens, 0, path, 0, expected);
    FUZZ_CHECK(result.matched() == matched);
    if (!matched) return;
    FUZZ_CHECK(found.size() == params && expected.size() == params);
    for (std::size_t i = 0; i < params; ++i) FUZZ_CHECK(found[i].value == expected[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const auto flags = provider.ConsumeIntegral<std::uint8_t>();
    const PathPatternOptions options{(flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0};
    const std::string pattern = provider.ConsumeRandomLengthString(512);
    const std::string path = provider.ConsumeRandomLengthString(2048);
    const std::string text = provider.ConsumeRemainingBytesAsString();

    check_match(pattern, path, options);
    check_split(path);
    check_decode(text);
    check_query(text);
    check_round_trips(text.substr(0, 256), options);
    check_against_reference(pattern, path);
    return 0;
}
