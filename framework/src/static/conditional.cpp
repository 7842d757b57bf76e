#include "static/conditional.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "http/http_date.h"
#include "static/byte_range.h"

namespace duplex::detail::static_files {
namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// Reads one entity-tag ([W/]"opaque") at the start of `s`; stores the quoted opaque part and returns the bytes
// read, or 0 when `s` does not start with an entity-tag.
std::size_t read_entity_tag(std::string_view s, std::string_view& opaque) noexcept {
    const std::size_t open = s.starts_with("W/") ? 2 : 0;
    if (open >= s.size() || s[open] != '"') return 0;
    const std::size_t close = s.find('"', open + 1);
    if (close == std::string_view::npos) return 0;
    opaque = s.substr(open, close - open + 1);
    return close + 1;
}

// True when the list ("*" or 1#entity-tag) names `etag` under weak comparison (RFC 9110 8.8.3.2: the opaque parts
// are equal, W/ prefixes disregarded). A malformed list matches nothing.
bool weak_match_any(std::string_view list, std::string_view etag) noexcept {
    while (!list.empty() && is_ows(list.front())) list.remove_prefix(1);
    while (!list.empty() && is_ows(list.back())) list.remove_suffix(1);
    if (list == "*") return true;  // the file exists, which is all '*' asks

    std::string_view ours;
    if (read_entity_tag(etag, ours) != etag.size() || etag.empty()) return false;
    for (;;) {
        while (!list.empty() && (is_ows(list.front()) || list.front() == ',')) list.remove_prefix(1);
        if (list.empty()) return false;
        std::string_view theirs;
        const std::size_t used = read_entity_tag(list, theirs);
        if (used == 0) return false;
        if (theirs == ours) return true;
        list.remove_prefix(used);
        while (!list.empty() && is_ows(list.front())) list.remove_prefix(1);
        if (!list.empty() && list.front() != ',') return false;
    }
}

// If-Range holds either an entity-tag or an HTTP-date; the Range applies only when it still describes the file.
// An entity-tag must match strongly (RFC 9110 13.1.5): a weak tag, on either side, never does.
bool if_range_allows(const FileValidators& file, const RequestConditions& request) noexcept {
    const std::string_view value = request.if_range;
    if (value.empty()) return true;
    if (value.starts_with("W/")) return false;
    if (value.starts_with('"')) return !file.etag.starts_with("W/") && value == file.etag;
    const std::optional<std::time_t> date = parse_http_date(value, request.now);
    return date && *date == file.last_modified;
}

bool modified_after(const FileValidators& file, std::string_view header, std::time_t now) noexcept {
    const std::optional<std::time_t> date = parse_http_date(header, now);
    return date && file.last_modified > *date;
}

bool unmodified_since(const FileValidators& file, std::string_view header, std::time_t now) noexcept {
    const std::optional<std::time_t> date = parse_http_date(header, now);
    return date && file.last_modified <= *date;
}

ServeDecision with_status(int status, bool accept_ranges) noexcept {
    ServeDecision decision;
    decision.status = status;
    decision.accept_ranges = accept_ranges;
    return decision;
}

// Writes the pieces one after another into `buffer`, returning the length; the buffer is sized for the worst case.
template <std::size_t N>
std::size_t write_content_range(std::array<char, N>& buffer, std::optional<std::uint64_t> first,
                                std::uint64_t last, std::uint64_t size) noexcept {
    char* p = buffer.data();
    char* const end = buffer.data() + N;
    constexpr std::string_view kUnit = "bytes ";
    p = std::copy(kUnit.begin(), kUnit.end(), p);
    if (first) {
        p = std::to_chars(p, end, *first).ptr;
        *p++ = '-';
        p = std::to_chars(p, end, last).ptr;
    } else {
        *p++ = '*';
    }
    *p++ = '/';
    p = std::to_chars(p, end, size).ptr;
    return static_cast<std::size_t>(p - buffer.data());
}

}  // namespace

ServeDecision decide_serve(const FileValidators& file, const RequestConditions& request) noexcept {
    const bool is_get = request.method == "GET";
    const bool is_get_or_head = is_get || request.method == "HEAD";

    if (!request.if_match.empty()) {
        if (!weak_match_any(request.if_match, file.etag)) return with_status(412, false);
    } else if (!request.if_unmodified_since.empty() &&
               modified_after(file, request.if_unmodified_since, request.now)) {
        return with_status(412, false);
    }

    if (!request.if_none_match.empty()) {
        if (weak_match_any(request.if_none_match, file.etag)) {
            return with_status(is_get_or_head ? 304 : 412, is_get_or_head);
        }
    } else if (is_get_or_head && !request.if_modified_since.empty() &&
               unmodified_since(file, request.if_modified_since, request.now)) {
        return with_status(304, true);
    }

    ServeDecision decision = with_status(200, true);
    decision.length = file.size;
    if (!is_get || request.range.empty() || !if_range_allows(file, request)) return decision;

    const ByteRange range = parse_byte_range(request.range, file.size);
    switch (range.outcome) {
    case RangeOutcome::Full:
        break;
    case RangeOutcome::Partial:
        decision.status = 206;
        decision.offset = range.first;
        decision.length = range.last - range.first + 1;
        decision.content_range_size_ = write_content_range(decision.content_range_, range.first, range.last, file.size);
        break;
    case RangeOutcome::Unsatisfiable:
        decision = with_status(416, false);
        decision.content_range_size_ = write_content_range(decision.content_range_, std::nullopt, 0, file.size);
        break;
    }
    return decision;
}

}  // namespace duplex::detail::static_files
