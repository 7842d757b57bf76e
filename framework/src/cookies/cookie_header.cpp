#include "cookies/cookie_header.h"

#include "http/http_date.h"
#include "http/http_tokens.h"
#include "http/url.h"

#include <array>
#include <charconv>
#include <stdexcept>

namespace duplex::detail {
namespace {

// cookie-octet of RFC 6265 4.1.1 (visible ASCII but DQUOTE, ',', ';' and '\'), minus '%' so that encoded values
// decode back unambiguously.
constexpr std::array<bool, 256> cookie_octet_table = [] {
    std::array<bool, 256> t{};
    for (int c = 0x21; c <= 0x7e; ++c) t[static_cast<std::size_t>(c)] = true;
    for (const char c : std::string_view("\",;\\%")) t[static_cast<unsigned char>(c)] = false;
    return t;
}();

bool has_control(std::string_view s) noexcept {
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) return true;
    }
    return false;
}

// A path-value (RFC 6265 4.1.1): any CHAR but controls and ';'.
bool is_path_value(std::string_view s) noexcept { return !has_control(s) && s.find(';') == std::string_view::npos; }

// A domain as browsers take it: letters, digits, '-' and '.' (a leading dot is allowed and ignored by them).
bool is_domain_value(std::string_view s) noexcept {
    static constexpr std::array<bool, 256> table = alnum_and("-.");
    for (const char c : s)
        if (!table[static_cast<unsigned char>(c)]) return false;
    return true;
}

void append_attributes(std::string& out, const CookieOptions& o) {
    if (!is_path_value(o.path)) throw std::invalid_argument("cookie path holds ';' or a control byte");
    if (!is_domain_value(o.domain)) throw std::invalid_argument("cookie domain is not a host name");
    if (o.max_age) {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, static_cast<long long>(o.max_age->count()));
        out.append("; Max-Age=").append(digits, r.ptr);
    }
    if (o.expires) {
        out.append("; Expires=");
        append_http_date(std::chrono::system_clock::to_time_t(*o.expires), out);
    }
    if (!o.path.empty()) out.append("; Path=").append(o.path);
    if (!o.domain.empty()) out.append("; Domain=").append(o.domain);
    if (o.secure) out.append("; Secure");
    if (o.http_only) out.append("; HttpOnly");
    switch (o.same_site) {
        case SameSite::Lax: out.append("; SameSite=Lax"); break;
        case SameSite::Strict: out.append("; SameSite=Strict"); break;
        case SameSite::None: out.append("; SameSite=None"); break;
        case SameSite::Unset: break;
    }
    if (o.partitioned) out.append("; Partitioned");
}

void check_name(std::string_view name) {
    if (!is_token(name)) throw std::invalid_argument("cookie name is not a token");
}

}  // namespace

void parse_cookie_line(std::string_view line, CookiePairs& out, std::size_t max_pairs) {
    while (!line.empty() && out.size() < max_pairs) {
        const std::size_t semi = line.find(';');
        const std::string_view pair = line.substr(0, semi);
        line = semi == std::string_view::npos ? std::string_view{} : line.substr(semi + 1);

        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) continue;  // browsers send a nameless cookie as its bare value
        const std::string_view name = trim_ows(pair.substr(0, eq));
        std::string_view value = trim_ows(pair.substr(eq + 1));
        if (name.empty() || has_control(name) || has_control(value)) continue;
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);

        std::string& v = out.emplace_back(std::string(name), std::string{}).second;
        if (value.find('%') == std::string_view::npos || percent_decode(value, v) != DecodeStatus::Ok) v.assign(value);
    }
}

void append_cookie_value(std::string_view value, std::string& out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out.reserve(out.size() + value.size());
    for (const char c : value) {
        const auto b = static_cast<unsigned char>(c);
        if (cookie_octet_table[b]) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 15]);
        }
    }
}

std::string format_set_cookie(std::string_view name, std::string_view value, const CookieOptions& options) {
    check_name(name);
    std::string out;
    out.reserve(name.size() + value.size() + 64);
    out.append(name).push_back('=');
    append_cookie_value(value, out);
    append_attributes(out, options);
    return out;
}

std::string format_clear_cookie(std::string_view name, const CookieOptions& options) {
    check_name(name);
    CookieOptions expired = options;
    expired.max_age.reset();
    expired.expires = std::chrono::system_clock::time_point{};  // 1 January 1970: already past
    std::string out(name);
    out.push_back('=');
    append_attributes(out, expired);
    return out;
}

}  // namespace duplex::detail
