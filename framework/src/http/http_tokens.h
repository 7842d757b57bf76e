#pragma once
// Small pieces of the HTTP/1.1 header grammar (RFC 7230 sections 3.2.3, 3.2.6 and 7) that the HTTP parser, the
// response writer and the WebSocket handshake need: tokens, optional whitespace and comma-separated lists.
// Pure functions: any thread, no I/O, no allocation.

#include <array>
#include <string_view>

namespace duplex::detail {

// A byte class of the RFCs as a table, one lookup per byte: ASCII letters, digits and the bytes of `extra`.
constexpr std::array<bool, 256> alnum_and(std::string_view extra) {
    std::array<bool, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : extra) t[static_cast<unsigned char>(c)] = true;
    return t;
}

bool is_tchar(char c) noexcept;
bool is_token(std::string_view s) noexcept;  // non-empty, tchar only
bool is_ows(char c) noexcept;                // SP or HTAB
// A header field value as RFC 9110 5.5 allows it: visible bytes, obs-text (0x80-0xFF), SP and HTAB; no other control
// byte, so CR/LF/NUL cannot split a message and strict parsers (llhttp among them) accept what we write.
bool is_field_value(std::string_view s) noexcept;
std::string_view trim_ows(std::string_view s) noexcept;
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

// Calls fn(element) for every element of a "#rule" list, trimmed of OWS. Empty elements are skipped, as RFC 7230
// section 7 asks of recipients ("a, , b" is two elements). Not for lists whose elements may hold quoted commas.
template <class Fn>
void for_each_list_element(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty()) fn(element);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

// Whether a comma list (Connection, Upgrade) holds `token`, compared ASCII case-insensitively.
bool list_has_token(std::string_view list, std::string_view token) noexcept;

}  // namespace duplex::detail
