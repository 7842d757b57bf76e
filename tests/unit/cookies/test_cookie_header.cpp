// Cookie lines (cookies/cookie_header.h, Request::cookies) and Set-Cookie lines (format_set_cookie).
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cookies/cookie_header.h"
#include "duplex/request.h"
#include "http/request_parser.h"

using namespace duplex::detail;
using duplex::CookieOptions;
using duplex::SameSite;

namespace {

CookiePairs parse(std::string_view line) {
    CookiePairs out;
    parse_cookie_line(line, out);
    return out;
}

// The pairs of `header` sent as several Cookie lines, cut after the ';' of each pair whose bit is set in `cuts`.
CookiePairs parse_in_lines(std::string_view header, unsigned cuts) {
    CookiePairs out;
    std::size_t start = 0;
    unsigned bit = 0;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] != ';') continue;
        if (cuts & (1u << bit++)) {
            parse_cookie_line(header.substr(start, i + 1 - start), out);
            start = i + 1;
        }
    }
    parse_cookie_line(header.substr(start), out);
    return out;
}

// A request with the given head lines, parsed by the real parser fed one byte at a time.
void parse_request_bytewise(const std::string& bytes, duplex::Request& req) {
    static const duplex::HttpOptions options;  // the parser keeps a reference
    RequestParser parser(options);
    parser.set_target(&req);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto r = parser.feed(bytes.data() + i, 1);
        INFO("byte ", i, " status ", r.status);
        REQUIRE(r.kind != RequestParser::Kind::Error);
        REQUIRE(r.consumed == 1);
    }
}

}  // namespace

TEST_SUITE("cookies") {

TEST_CASE("Cookie line: pairs in order, whitespace dropped, duplicates kept") {
    const CookiePairs want{{"a", "1"}, {"b", "two words"}, {"a", "3"}, {"empty", ""}};
    CHECK(parse("a=1; b=two%20words;a=3;  empty=") == want);
    CHECK(parse(" a = 1 ;\tb=two%20words ; a=3; empty= ") == want);
}

TEST_CASE("Cookie line: malformed pairs are skipped, never an error") {
    CHECK(parse("novalue; =nameless; a=1; ;;  ; b=2") == CookiePairs{{"a", "1"}, {"b", "2"}});
    CHECK(parse("bad\x01name=1; c=ok") == CookiePairs{{"c", "ok"}});
    CHECK(parse("c=bad\x7fvalue; d=1") == CookiePairs{{"d", "1"}});
    CHECK(parse("").empty());
    CHECK(parse(";;;").empty());
}

TEST_CASE("Cookie line: quotes, escapes, and '=' inside values") {
    CHECK(parse("q=\"quoted value\"") == CookiePairs{{"q", "quoted value"}});
    CHECK(parse("q=\"") == CookiePairs{{"q", "\""}});
    CHECK(parse("e=%E2%82%AC") == CookiePairs{{"e", "\xE2\x82\xAC"}});
    // A value that is not valid percent-encoding is kept as sent.
    CHECK(parse("e=100%; f=%zz") == CookiePairs{{"e", "100%"}, {"f", "%zz"}});
    CHECK(parse("b64=YWJj==; x=a=b") == CookiePairs{{"b64", "YWJj=="}, {"x", "a=b"}});
    // '+' is not a space in cookies.
    CHECK(parse("p=a+b") == CookiePairs{{"p", "a+b"}});
}

TEST_CASE("Cookie line: at most max_pairs are kept") {
    std::string line;
    for (int i = 0; i < 2000; ++i) line.append("k").append(std::to_string(i)).append("=v; ");
    CookiePairs out;
    parse_cookie_line(line, out);
    CHECK(out.size() == duplex::kMaxCookies);
    CHECK(out.back().first == std::string("k").append(std::to_string(duplex::kMaxCookies - 1)));
    out.clear();
    parse_cookie_line(line, out, 3);
    CHECK(out.size() == 3);
}

TEST_CASE("Cookie lines fed in pieces: every way of cutting a header into lines gives the same pairs") {
    const std::string header = "a=1; b=%41; =x; c; d=\"q\"; e=4; a=5; f=";
    const CookiePairs whole = parse(header);
    CHECK(whole == CookiePairs{{"a", "1"}, {"b", "A"}, {"d", "q"}, {"e", "4"}, {"a", "5"}, {"f", ""}});
    for (unsigned cuts = 0; cuts < (1u << 7); ++cuts) CHECK(parse_in_lines(header, cuts) == whole);
}

TEST_CASE("Request::cookies: every Cookie line, parsed from a request fed byte by byte") {
    duplex::Request req;
    parse_request_bytewise("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2\r\nAccept: */*\r\ncookie: c=3; a=4\r\n\r\n",
                           req);
    CHECK(req.cookies() == duplex::Request::Pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"a", "4"}});
    CHECK(req.cookie("a") == "1");
    CHECK(req.cookie("c") == "3");
    CHECK_FALSE(req.cookie("z"));
}

TEST_CASE("Set-Cookie: every attribute, in a fixed order") {
    CookieOptions o;
    o.max_age = std::chrono::seconds(3600);
    o.expires = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
    o.path = "/app";
    o.domain = "example.com";
    o.secure = true;
    o.http_only = true;
    o.same_site = SameSite::Strict;
    o.partitioned = true;
    CHECK(format_set_cookie("id", "abc", o) ==
          "id=abc; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Path=/app; Domain=example.com; Secure; "
          "HttpOnly; SameSite=Strict; Partitioned");
    CHECK(format_set_cookie("id", "abc", {}) == "id=abc; Path=/");
    CHECK(format_set_cookie("id", "", {.path = ""}) == "id=");
    CHECK(format_set_cookie("l", "v", {.same_site = SameSite::Lax}) == "l=v; Path=/; SameSite=Lax");
    CHECK(format_set_cookie("n", "v", {.same_site = SameSite::None}) == "n=v; Path=/; SameSite=None");
}

TEST_CASE("Set-Cookie: values are encoded, so nothing can add an attribute or split the header") {
    CHECK(format_set_cookie("v", "a b;c,d\"e\\f%g", {.path = ""}) == "v=a%20b%3Bc%2Cd%22e%5Cf%25g");
    CHECK(format_set_cookie("v", "x\r\nSet-Cookie: evil=1", {.path = ""}) == "v=x%0D%0ASet-Cookie:%20evil=1");
    CHECK(format_set_cookie("v", std::string("\0\x7f\xff", 3), {.path = ""}) == "v=%00%7F%FF");
    // What res.cookie writes, req.cookie reads back.
    const std::string bytes = "semi;colon, \"quote\" 100% \xE2\x82\xAC\r\n";
    const std::string line = format_set_cookie("k", bytes, {.path = ""});
    CHECK(parse(line) == CookiePairs{{"k", bytes}});
}

TEST_CASE("Set-Cookie: a bad name, path or domain throws") {
    CHECK_THROWS_AS(format_set_cookie("", "v", {}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a b", "v", {}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a=b", "v", {}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a;b", "v", {}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a\r\n", "v", {}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a", "v", {.path = "/x; Domain=evil"}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a", "v", {.path = "/x\r\nX: y"}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a", "v", {.domain = "a.com; Secure"}), std::invalid_argument);
    CHECK_THROWS_AS(format_set_cookie("a", "v", {.domain = "a.com\n"}), std::invalid_argument);
    CHECK_THROWS_AS(format_clear_cookie("a b", {}), std::invalid_argument);
}

TEST_CASE("clear_cookie: empty value, expired, same path and domain") {
    CHECK(format_clear_cookie("sid", {.path = "/app", .domain = "example.com", .secure = true}) ==
          "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/app; Domain=example.com; Secure");
    CHECK(format_clear_cookie("sid", {.max_age = std::chrono::seconds(60)}) ==
          "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/");
}

}  // TEST_SUITE
