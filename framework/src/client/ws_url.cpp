#include "client/ws_url.h"

#include "http/http_tokens.h"

#include <arpa/inet.h>

#include <cctype>

namespace duplex::detail::client {
namespace {

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string_view trim_spaces(std::string_view s) {
    // What a browser strips from a URL's ends: C0 controls and space.
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
    return s;
}

// "" (no port given: the default), or 1..65535 in decimal.
std::string_view parse_port(std::string_view text, std::uint16_t& port) {
    if (text.empty()) return {};
    if (text.size() > 5) return "URL port must be a number from 1 to 65535";
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return "URL port must be a number from 1 to 65535";
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return "URL port must be a number from 1 to 65535";
    port = static_cast<std::uint16_t>(value);
    return {};
}

std::string_view parse_authority(std::string_view authority, WsUrl& out) {
    if (authority.find('@') != std::string_view::npos) return "URL must not hold user information (user@host)";
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return "URL has an unterminated IPv6 literal";
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') return "URL has characters after its IPv6 literal";
        if (!after.empty()) port = after.substr(1);
        in6_addr addr{};
        if (inet_pton(AF_INET6, std::string(host).c_str(), &addr) != 1) return "URL has an invalid IPv6 address";
        out.ipv6_literal = true;
    } else {
        const std::size_t colon = authority.find(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
        }
        for (const char c : host) {
            if (!is_host_char(c)) return "URL host holds a character that is not allowed";
        }
    }
    if (host.empty()) return "URL has no host";
    out.host.clear();
    for (const char c : host) out.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return parse_port(port, out.port);
}

void append_target(std::string_view tail, std::string& target) {
    static constexpr char hex[] = "0123456789ABCDEF";
    target.clear();
    if (tail.empty() || tail.front() == '?') target += '/';
    for (const char c : tail) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            target += c;
            continue;
        }
        // UTF-8 in a path or query travels percent-encoded, as a browser sends it.
        target += '%';
        target += hex[byte >> 4];
        target += hex[byte & 0x0f];
    }
}

}  // namespace

std::string_view parse_ws_url(std::string_view text, WsUrl& out) {
    text = trim_spaces(text);
    const std::size_t sep = text.find("://");
    if (sep == std::string_view::npos) return "URL must start with ws:// or wss://";
    const std::string_view scheme = text.substr(0, sep);
    const bool secure = detail::ascii_iequals(scheme, "wss");
    if (!secure && !detail::ascii_iequals(scheme, "ws")) return "URL scheme must be ws:// or wss://";
    const std::string_view rest = text.substr(sep + 3);
    for (const char c : rest) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) return "URL holds a space or a control character";
    }
    if (rest.find('#') != std::string_view::npos) return "URL must not have a fragment (#...)";
    const std::size_t authority_end = rest.find_first_of("/?");
    out = WsUrl{};
    out.secure = secure;
    out.port = secure ? 443 : 80;
    if (const std::string_view error = parse_authority(rest.substr(0, authority_end), out); !error.empty()) {
        return error;
    }
    append_target(authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end),
                  out.target);
    return {};
}

}  // namespace duplex::detail::client
