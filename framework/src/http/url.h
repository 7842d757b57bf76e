#pragma once
// Request-target splitting, strict percent-decoding and query-string parsing (RFC 9112 3.2, RFC 3986 2.1).
// Functions: pure, any thread, no I/O; errors are returned as values.
// NameValueList: a value type owned by its user (one per request or per matcher), used from one thread at a time.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail {

enum class TargetForm {
    Origin,    // "/path?query"
    Absolute,  // "http://host/path?query": only its path and query are kept
    Asterisk,  // "*" (OPTIONS *): path is "*", query empty
};

// Views into the request-target (or, for an absolute-form target without a path, a static "/").
struct Target {
    TargetForm form = TargetForm::Origin;
    std::string_view path;   // still percent-encoded
    std::string_view query;  // after '?', without it; empty when absent
    bool has_query = false;  // tells "/a?" (empty query) from "/a"
};

// Splits a request-target. Returns nullopt for an empty target, authority-form ("host:port"), a target with a
// fragment ('#' is not part of a request-target, RFC 9112 3.2) and anything that is neither origin-, absolute- nor
// asterisk-form.
std::optional<Target> split_target(std::string_view target) noexcept;

// A Host field value as RFC 9112 3.2 / RFC 3986 3.2.2 allow it: reg-name, IPv4 or "[IPv6]" / "[vX.future]", then
// an optional ":" port of digits. Empty is valid (a target without authority). No userinfo, no spaces, no list.
bool is_valid_host(std::string_view host) noexcept;

enum class DecodeStatus {
    Ok,
    BadEscape,  // '%' not followed by two hex digits
    Nul,        // a decoded NUL byte while DecodeOptions::reject_nul is set
};

struct DecodeOptions {
    bool plus_as_space = false;  // query mode: '+' means ' ' (application/x-www-form-urlencoded)
    bool reject_nul = false;     // refuse "%00": file names and C APIs cannot carry it
};

// The value of a hex digit, or -1.
constexpr int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The byte that a "%XX" escape at text[at] stands for, or -1 when text[at..] is not '%' and two hex digits.
constexpr int escaped_byte_at(std::string_view text, std::size_t at) noexcept {
    if (at + 2 >= text.size() || text[at] != '%') return -1;
    const int hi = hex_digit_value(text[at + 1]);
    const int lo = hex_digit_value(text[at + 2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

// Appends the decoded form of `in` to `out`. On error `out` is restored to its previous size.
DecodeStatus percent_decode(std::string_view in, std::string& out, DecodeOptions options = {});

// One decoded (name, value) pair.
struct NameValue {
    std::string name;
    std::string value;
};

// An ordered list of pairs that keeps duplicates, meant to be reused: clear() keeps every slot's string capacity, so
// once warmed up, refilling it with pairs of similar sizes allocates nothing. An empty list never allocates.
class NameValueList {
public:
    void clear() noexcept { size_ = 0; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    const NameValue& operator[](std::size_t i) const noexcept { return slots_[i]; }
    const NameValue* begin() const noexcept { return slots_.data(); }
    const NameValue* end() const noexcept { return slots_.data() + size_; }

    // The value of the first pair named `name` (exact, case-sensitive comparison).
    std::optional<std::string_view> find(std::string_view name) const noexcept;

    // Appends a pair with an empty name and value, reusing a spare slot when there is one; fill it in place.
    NameValue& append();
    // Drops the last pair (its slot stays for reuse).
    void pop_back() noexcept { --size_; }

private:
    std::vector<NameValue> slots_;  // slots_[size_..] are spare, keeping their capacity
    std::size_t size_ = 0;
};

// Parses a query string ("a=1&b=&c&a=2") into `out` (cleared first), in order, duplicates kept. Pairs are split on
// '&', empty pieces skipped; a piece without '=' has an empty value; only the first '=' splits. Names and values are
// decoded with '+' as space. On error `out` is left empty.
DecodeStatus parse_query(std::string_view query, NameValueList& out, bool reject_nul = false);

}  // namespace duplex::detail
