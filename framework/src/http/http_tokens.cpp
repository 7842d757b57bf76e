#include "http/http_tokens.h"

#include <array>

namespace duplex::detail {

namespace {
// tchar of RFC 9110 5.6.2, one lookup per byte: header names are checked on every request and every set().
constexpr std::array<bool, 256> tchar_table = alnum_and("!#$%&'*+-.^_`|~");
// Bytes a field value must not hold: controls other than HTAB, and DEL.
constexpr std::array<bool, 256> control_table = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = c != '\t';
    t[0x7f] = true;
    return t;
}();
}  // namespace

bool is_tchar(char c) noexcept { return tchar_table[static_cast<unsigned char>(c)]; }

bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (const char c : s) {
        if (!is_tchar(c)) return false;
    }
    return true;
}

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_field_value(std::string_view s) noexcept {
    for (const char c : s)
        if (control_table[static_cast<unsigned char>(c)]) return false;
    return true;
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool list_has_token(std::string_view list, std::string_view token) noexcept {
    bool found = false;
    for_each_list_element(list, [&](std::string_view element) { found = found || ascii_iequals(element, token); });
    return found;
}

}  // namespace duplex::detail
