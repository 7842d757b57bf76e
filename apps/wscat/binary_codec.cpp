#include "binary_codec.h"

#include "http/url.h"
#include "util/base64.h"

namespace wscat {

std::optional<Encoding> encoding_named(std::string_view name) {
    if (name == "hex") return Encoding::Hex;
    if (name == "base64") return Encoding::Base64;
    return std::nullopt;
}

std::string encode(std::string_view bytes, Encoding encoding) {
    std::string out;
    if (encoding == Encoding::Base64) {
        duplex::detail::base64_encode(bytes, out);
        return out;
    }
    static constexpr char digits[] = "0123456789abcdef";
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += digits[byte >> 4];
        out += digits[byte & 0x0f];
    }
    return out;
}

std::optional<std::string> decode(std::string_view text, Encoding encoding) {
    std::string out;
    if (encoding == Encoding::Base64) {
        if (!duplex::detail::base64_decode(text, out)) return std::nullopt;
        return out;
    }
    if (text.size() % 2 != 0) return std::nullopt;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = duplex::detail::hex_digit_value(text[i]);
        const int low = duplex::detail::hex_digit_value(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high << 4 | low);
    }
    return out;
}

}  // namespace wscat
