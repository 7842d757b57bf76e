#pragma once
// The two cookie header syntaxes: reading the pairs of a Cookie line (RFC 6265 5.4, as browsers send it) and writing
// one Set-Cookie line (RFC 6265 4.1). Pure functions: any thread, no I/O. The rules are documented in duplex/cookies.h.

#include "duplex/cookies.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex::detail {

using CookiePairs = std::vector<std::pair<std::string, std::string>>;

// Appends the pairs of one Cookie line to `out`, skipping malformed ones, until `out` holds `max_pairs`.
void parse_cookie_line(std::string_view line, CookiePairs& out, std::size_t max_pairs = kMaxCookies);

// Appends `value` to `out` with every byte that is not a cookie-octet, and '%', written as %XX.
void append_cookie_value(std::string_view value, std::string& out);

// The value of a Set-Cookie line. Throws std::invalid_argument for a name that is not a token, or a path or domain
// that could add an attribute or split the header.
std::string format_set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

// The value of a Set-Cookie line that deletes the cookie `name` set with the same path and domain (and the same
// Secure / Partitioned, which some browsers need to match).
std::string format_clear_cookie(std::string_view name, const CookieOptions& options);

}  // namespace duplex::detail
