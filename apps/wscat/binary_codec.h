// How wscat shows binary messages and reads binary input lines: hex or base64 text. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wscat {

enum class Encoding { Hex, Base64 };

// "hex" or "base64"; nullopt for anything else.
std::optional<Encoding> encoding_named(std::string_view name);

// Lower-case hex, or padded base64.
std::string encode(std::string_view bytes, Encoding encoding);
// Hex in either case (an even number of digits), or strict padded base64; nullopt when the text is not that.
std::optional<std::string> decode(std::string_view text, Encoding encoding);

}  // namespace wscat
