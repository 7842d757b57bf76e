// Parsing of the URL given to duplex::connect (RFC 6455 section 3): ws[s]://host[:port][/path][?query].
// Pure: no I/O, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace duplex::detail::client {

struct WsUrl {
    std::string host;          // lower-cased name or address; an IPv6 literal without its brackets
    bool ipv6_literal = false;
    bool secure = false;       // wss://
    std::uint16_t port = 80;   // 443 for wss:// unless the URL says
    std::string target = "/";  // path and query as sent in the request line; bytes above 0x7e percent-encoded
};

// Fills `out` and returns "" on success, or a static explanation of what is wrong. Refused: a fragment, user
// information, an empty host or a port outside 1..65535.
std::string_view parse_ws_url(std::string_view text, WsUrl& out);

}  // namespace duplex::detail::client
