#pragma once
// HTTP-date (RFC 9110 5.6.7): formatting the preferred IMF-fixdate, parsing it and the two obsolete forms.
// Pure functions: any thread, no I/O, no exceptions (append_http_date may throw std::bad_alloc).

#include <cstddef>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace duplex::detail {

// "Sun, 06 Nov 1994 08:49:37 GMT" is always this long.
inline constexpr std::size_t kHttpDateSize = 29;

// Writes the IMF-fixdate of `t` into `out` and returns a view of it; returns an empty view (and writes nothing) when
// the year falls outside 0000..9999, which the format cannot express.
std::string_view format_http_date(std::time_t t, std::span<char, kHttpDateSize> out) noexcept;

// Appends the IMF-fixdate of `t` to `out` (nothing when the year is out of range).
void append_http_date(std::time_t t, std::string& out);

// The IMF-fixdate of now, for the Date header of every response: formatted at most once per second and per thread
// (a loop runs on one thread), so the hot path is a time() call and a compare. The view stays valid on this thread
// until the next call.
std::string_view current_http_date() noexcept;

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), an RFC 850 date ("Sunday, 06-Nov-94 08:49:37 GMT") or an
// asctime date ("Sun Nov  6 08:49:37 1994"), exactly (case-sensitive, single spaces, no surrounding whitespace).
// `now` resolves RFC 850's two-digit year: the year with those last two digits that is at most 50 years ahead of
// now's year (RFC 9110 5.6.7). The day name is checked for spelling, not against the date. nullopt when invalid.
std::optional<std::time_t> parse_http_date(std::string_view text, std::time_t now) noexcept;

}  // namespace duplex::detail
