#include "static/byte_range.h"

#include <algorithm>
#include <array>
#include <limits>

namespace duplex::detail::static_files {
namespace {

bool is_bytes_unit(std::string_view unit) noexcept {
    constexpr std::string_view kBytes = "bytes";
    return std::equal(unit.begin(), unit.end(), kBytes.begin(), kBytes.end(),
                      [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// 1*DIGIT, saturating at the maximum: a position past any real size means the same as a huge one.
bool parse_position(std::string_view text, std::uint64_t& value) noexcept {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    if (text.empty()) return false;
    value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
    }
    return true;
}

struct Interval {
    std::uint64_t first;
    std::uint64_t last;
};

// Merges the satisfiable parts; one contiguous result is a Partial answer, anything else the whole body.
ByteRange combine(std::array<Interval, kMaxRangeParts>& parts, std::size_t count) noexcept {
    std::sort(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(count),
              [](const Interval& a, const Interval& b) { return a.first < b.first; });
    Interval merged = parts[0];
    for (std::size_t i = 1; i < count; ++i) {
        if (parts[i].first > merged.last + 1) return {};  // disjoint: express sends it all rather than multipart
        merged.last = std::max(merged.last, parts[i].last);
    }
    return {RangeOutcome::Partial, merged.first, merged.last};
}

}  // namespace

ByteRange parse_byte_range(std::string_view header, std::uint64_t size) noexcept {
    const std::size_t eq = header.find('=');
    if (eq == std::string_view::npos || !is_bytes_unit(header.substr(0, eq))) return {};

    std::array<Interval, kMaxRangeParts> parts{};
    std::size_t count = 0;  // satisfiable parts
    std::size_t specs = 0;  // all parts
    bool suffix_of_empty = false;
    std::string_view set = header.substr(eq + 1);
    for (;;) {
        const std::size_t comma = set.find(',');
        const std::string_view spec = trim_ows(set.substr(0, comma));
        if (!spec.empty()) {
            if (++specs > kMaxRangeParts) return {};
            const std::size_t dash = spec.find('-');
            if (dash == std::string_view::npos) return {};
            const std::string_view first_text = spec.substr(0, dash);
            const std::string_view last_text = spec.substr(dash + 1);
            std::uint64_t first = 0;
            std::uint64_t last = 0;
            if (first_text.empty()) {  // suffix-range: the last N bytes
                if (!parse_position(last_text, last)) return {};
                if (last > 0 && size == 0) suffix_of_empty = true;
                if (last > 0 && size > 0) parts[count++] = {size - std::min(last, size), size - 1};
            } else {
                if (!parse_position(first_text, first)) return {};
                const bool open_ended = last_text.empty();
                if (!open_ended && (!parse_position(last_text, last) || last < first)) return {};
                if (first < size) parts[count++] = {first, open_ended ? size - 1 : std::min(last, size - 1)};
            }
        }
        if (comma == std::string_view::npos) break;
        set.remove_prefix(comma + 1);
    }
    if (specs == 0 || suffix_of_empty) return {};
    if (count == 0) return {RangeOutcome::Unsatisfiable, 0, 0};
    return combine(parts, count);
}

}  // namespace duplex::detail::static_files
