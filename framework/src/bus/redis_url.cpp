#include "bus/redis_url.h"

#include <charconv>

namespace duplex::detail::bus {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX to bytes; false on a truncated or non-hex escape.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

bool is_ipv6_char(char c) { return hex_value(c) >= 0 || c == ':' || c == '.'; }

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

}  // namespace

std::string_view parse_redis_url(std::string_view text, RedisUrl& out) {
    out = RedisUrl{};
    constexpr std::string_view scheme = "redis://";
    if (text.size() < scheme.size() || !iequals(text.substr(0, scheme.size()), scheme))
        return "the URL must begin with redis:// (rediss:// and unix sockets are not supported)";
    std::string_view rest = text.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (authority.find_first_of("?#") != std::string_view::npos || path.find_first_of("?#/") != std::string_view::npos)
        return "nothing may follow the database number (no query, fragment or further path)";

    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        if (userinfo.empty() || userinfo.front() != ':')
            return "user names are not supported: write redis://:password@host:port";
        if (!percent_decode(userinfo.substr(1), out.password)) return "bad percent escape in the password";
        out.has_password = true;
    }

    std::string_view host, port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return "unterminated [IPv6] host";
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return "unexpected characters after the [IPv6] host";
            port = after.substr(1);
            if (port.empty()) return "empty port";
        }
        if (host.empty()) return "empty host";
        for (char c : host)
            if (!is_ipv6_char(c)) return "bad character in the [IPv6] host";
    } else {
        const std::size_t colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return "empty port";
        }
        if (host.empty()) return "empty host";
        for (char c : host)
            if (!is_name_char(c)) return "bad character in the host";
    }
    out.host = std::string(host);

    if (!port.empty()) {
        unsigned v = 0;
        if (!all_digits(port) || port.size() > 5) return "the port must be a number from 1 to 65535";
        std::from_chars(port.data(), port.data() + port.size(), v);
        if (v < 1 || v > 65535) return "the port must be a number from 1 to 65535";
        out.port = static_cast<std::uint16_t>(v);
    }
    if (slash != std::string_view::npos && !path.empty()) {
        if (!all_digits(path) || path.size() > 6) return "the database must be a number from 0 to 999999";
        std::from_chars(path.data(), path.data() + path.size(), out.db);
    }
    return {};
}

}  // namespace duplex::detail::bus
