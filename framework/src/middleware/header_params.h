// Parameters of a header value in the "type; name=value; name="quoted"" shape (RFC 9110 5.6.6): Content-Type's
// boundary and charset, Content-Disposition's name and filename. Quoted strings are unescaped ("\x" is x).
// Pure functions: any thread, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail {

// The part before the first ';', trimmed (a media type, a disposition type).
std::string_view header_main_value(std::string_view value) noexcept;
// The parameter `name` (case-insensitive), unquoted; nullopt when absent or when the parameters are malformed
// (an unterminated quote, a name that is not a token).
std::optional<std::string> header_param(std::string_view value, std::string_view name);

}  // namespace duplex::detail
