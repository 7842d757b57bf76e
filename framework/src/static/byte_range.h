#pragma once
// Range header parsing for one representation (RFC 9110 14.1-14.2), with express's single-range policy.
// Pure function: any thread, no I/O, no allocation.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duplex::detail::static_files {

enum class RangeOutcome {
    Full,           // send the whole representation with 200: the header is syntactically invalid, not in bytes,
                    // has too many parts, or asks for several disjoint ranges (express sends no multipart)
    Partial,        // send [first, last] with 206
    Unsatisfiable,  // no range overlaps the representation: 416 with "Content-Range: bytes */size"
};

struct ByteRange {
    RangeOutcome outcome = RangeOutcome::Full;
    std::uint64_t first = 0;  // inclusive bounds, for Partial
    std::uint64_t last = 0;
};

// More parts than this are refused wholesale (200), which RFC 9110 14.2 allows against many-small-ranges abuse.
inline constexpr std::size_t kMaxRangeParts = 16;

// Parses a Range value ("bytes=0-99", "bytes=500-", "bytes=-500", "bytes=0-1, 5-9") against a representation of
// `size` bytes. The unit is case-insensitive; whitespace around parts is tolerated; empty list elements are skipped.
// A part whose last-pos is below its first-pos makes the whole header invalid. A last-pos beyond the end is clamped;
// a suffix longer than the representation selects all of it. Overlapping or adjacent parts are merged first (as
// express does), so "bytes=0-4,5-9" is one range. A zero-length representation has no satisfiable int-range and
// is sent whole for a suffix-range.
ByteRange parse_byte_range(std::string_view header, std::uint64_t size) noexcept;

}  // namespace duplex::detail::static_files
