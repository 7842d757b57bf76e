// Fuzz target: the URL pieces (percent_decode, parse_query, split_target) and the router's PathPattern.
// Input layout (FuzzedDataProvider): the last byte holds the pattern options; from the front, a pattern and a path
// (ConsumeRandomLengthString: each ends at a backslash followed by any other byte), then the rest is free text.
// Invariants: decoding agrees with a plain reference decoder and restores `out` on error, decode(encode(x)) == x,
// parse_query agrees with a reference split, split_target returns views inside its input, and a match consumes at
// most the path, with at most kMaxParams parameters, and a parameter gets back exactly the bytes encoded into it.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/url.h"
#include "routing/path_pattern.h"

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

// Patterns and paths over a small alphabet (no escapes, so raw and decoded bytes agree) are also matched by
// std::regex, whose ECMAScript backtracking explores cuts in the very order the grammar promises: parameters
// shortest first ([^/]+?), the wildcard longest first (.+). Both must agree on the outcome and on every capture,
// which checks that PathPattern's backtracking shortcuts never change a result. Sizes stay small: std::regex
// recurses per byte.
void check_against_regex(std::string_view pattern_bytes, std::string_view path_bytes) {
    static constexpr std::string_view literals = "ab-/.";
    std::string pattern = "/";
    std::string regex = "^[/]";
    bool after_param = false;
    bool has_wildcard = false;
    std::size_t params = 0;
    for (const char c : pattern_bytes.substr(0, 24)) {
        const auto pick = static_cast<unsigned char>(c);
        const bool param = pick % 8 == 5 && params < PathPattern::kMaxParams;
        const bool wildcard = pick % 8 == 6 && !has_wildcard && params < PathPattern::kMaxParams;
        if ((param || wildcard) && !after_param) {
            pattern += param ? ":p" + std::to_string(params) : "*w";
            regex += param ? "([^/]+?)" : "(.+)";
            has_wildcard = has_wildcard || wildcard;
            after_param = true;
            ++params;
        } else {
            const char literal = literals[pick % literals.size()];
            if (after_param) pattern.push_back('\\');  // keeps a letter out of the parameter's name
            pattern.push_back(literal);
            regex += std::string("[") + literal + "]";
            after_param = false;
        }
    }
    regex += "$";
    std::string path = "/";
    for (const char c : path_bytes.substr(0, 40)) path.push_back(literals[static_cast<unsigned char>(c) % 5]);

    PatternError error;
    const auto compiled =
        PathPattern::compile(pattern, {.case_sensitive = true, .strict = true, .end = true}, &error);
    if (!compiled) std::fprintf(stderr, "pattern %s: %s\n", pattern.c_str(), std::string(error.reason).c_str());
    FUZZ_CHECK(compiled.has_value());
    NameValueList captures;
    const MatchResult result = compiled->match(path, captures);
    std::smatch expected;
    const bool matched = std::regex_match(path, expected, std::regex(regex));
    FUZZ_CHECK(result.matched() == matched);
    if (!matched) return;
    FUZZ_CHECK(captures.size() == params && expected.size() == params + 1);
    for (std::size_t i = 0; i < params; ++i) FUZZ_CHECK(captures[i].value == expected[i + 1].str());
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
    check_against_regex(pattern, path);
    return 0;
}
