// parse_ws_url: what duplex::connect accepts as a URL, and the exact error for what it refuses.
#include "client/ws_url.h"

#include <doctest/doctest.h>

using duplex::detail::client::parse_ws_url;
using duplex::detail::client::WsUrl;

namespace {
WsUrl parsed(std::string_view text) {
    WsUrl url;
    const std::string_view error = parse_ws_url(text, url);
    CHECK_MESSAGE(error.empty(), std::string(error));
    return url;
}
std::string error_of(std::string_view text) {
    WsUrl url;
    return std::string(parse_ws_url(text, url));
}
}  // namespace

TEST_SUITE("client ws_url") {
TEST_CASE("host, port, path and query") {
    WsUrl u = parsed("ws://example.com:8080/chat/room?x=1&y=2");
    CHECK(u.host == "example.com");
    CHECK(u.port == 8080);
    CHECK(u.target == "/chat/room?x=1&y=2");
    CHECK_FALSE(u.ipv6_literal);
}

TEST_CASE("defaults: port 80 and target /") {
    WsUrl u = parsed("ws://localhost");
    CHECK(u.host == "localhost");
    CHECK(u.port == 80);
    CHECK(u.target == "/");
    CHECK(parsed("ws://h:/p").port == 80);  // an empty port is the default one
}

TEST_CASE("a query without a path gets /") {
    CHECK(parsed("ws://h?q=1").target == "/?q=1");
}

TEST_CASE("the scheme and host are case-insensitive; the host is lower-cased") {
    WsUrl u = parsed("WS://ExAmple.COM/Path");
    CHECK(u.host == "example.com");
    CHECK(u.target == "/Path");
}

TEST_CASE("IPv4 and IPv6 literals") {
    CHECK(parsed("ws://127.0.0.1:9/").host == "127.0.0.1");
    WsUrl u = parsed("ws://[::1]:8080/ws");
    CHECK(u.host == "::1");
    CHECK(u.ipv6_literal);
    CHECK(u.port == 8080);
    CHECK(u.target == "/ws");
    CHECK(parsed("ws://[2001:DB8::1]").host == "2001:db8::1");
    CHECK(parsed("ws://[::ffff:127.0.0.1]/").port == 80);
}

TEST_CASE("wss:// is secure, on port 443 unless the URL says") {
    CHECK(parsed("wss://h/").secure);
    CHECK(parsed("WSS://h/").port == 443);
    CHECK(parsed("wss://h:8443/").port == 8443);
    CHECK_FALSE(parsed("ws://h/").secure);
}

TEST_CASE("surrounding spaces are ignored; bytes above ASCII are percent-encoded") {
    CHECK(parsed("  ws://h/a  ").target == "/a");
    CHECK(parsed("ws://h/caf\xc3\xa9?q=\xc3\xa9").target == "/caf%C3%A9?q=%C3%A9");
}

TEST_CASE("refusals, each with its reason") {
    CHECK(error_of("http://h/") == "URL scheme must be ws:// or wss://");
    CHECK(error_of("h:80/") == "URL must start with ws:// or wss://");
    CHECK(error_of("ws://") == "URL has no host");
    CHECK(error_of("ws://:80/") == "URL has no host");
    CHECK(error_of("ws://h:0/") == "URL port must be a number from 1 to 65535");
    CHECK(error_of("ws://h:65536/") == "URL port must be a number from 1 to 65535");
    CHECK(error_of("ws://h:12a/") == "URL port must be a number from 1 to 65535");
    CHECK(error_of("ws://h:123456/") == "URL port must be a number from 1 to 65535");
    CHECK(error_of("ws://user:pw@h/") == "URL must not hold user information (user@host)");
    CHECK(error_of("ws://h/p#frag") == "URL must not have a fragment (#...)");
    CHECK(error_of("ws://h/a b") == "URL holds a space or a control character");
    CHECK(error_of("ws://h/a\tb") == "URL holds a space or a control character");
    CHECK(error_of("ws://[::1/") == "URL has an unterminated IPv6 literal");
    CHECK(error_of("ws://[::1]x/") == "URL has characters after its IPv6 literal");
    CHECK(error_of("ws://[::g]/") == "URL has an invalid IPv6 address");
    CHECK(error_of("ws://[]/") == "URL has an invalid IPv6 address");
    CHECK(error_of("ws://ex%41mple/") == "URL host holds a character that is not allowed");
    CHECK(error_of("ws://h:1:2/") == "URL port must be a number from 1 to 65535");
}

TEST_CASE("the largest port is accepted") {
    CHECK(parsed("ws://h:65535").port == 65535);
    CHECK(parsed("ws://h:1").port == 1);
}
}
