// The test client's cookie jar (framework/src/testing/cookie_jar.h): Set-Cookie lines in, a Cookie line out.
#include "testing/cookie_jar.h"

#include "cookies/cookie_header.h"

#include <doctest/doctest.h>

using duplex::detail::testing::CookieJar;

TEST_CASE("cookie jar: stores by name, replaces, removes on Max-Age <= 0 or a past Expires") {
    const auto now = std::chrono::system_clock::from_time_t(1700000000);  // 2023-11-14
    CookieJar jar;
    CHECK(jar.empty());
    jar.store("sid=abc%20d; Path=/; HttpOnly; SameSite=Lax", now);
    jar.store(" theme = dark ", now);
    jar.store("novalue", now);      // no '=': ignored
    jar.store("=anonymous", now);   // no name: ignored
    CHECK(jar.get("sid") == "abc%20d");  // the value exactly as sent
    CHECK(jar.get("theme") == "dark");
    CHECK(jar.header() == "sid=abc%20d; theme=dark");
    jar.store("sid=new; Max-Age=60", now);
    CHECK(jar.get("sid") == "new");
    jar.store("sid=; Max-Age=0", now);
    CHECK_FALSE(jar.get("sid"));
    jar.store("theme=x; expires=Thu, 01 Jan 1970 00:00:00 GMT", now);
    CHECK_FALSE(jar.get("theme"));
    jar.store("later=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT; max-age=abc", now);
    CHECK(jar.get("later") == "1");
    jar.set("manual", "v");
    CHECK(jar.header() == "later=1; manual=v");
    jar.clear();
    CHECK(jar.header().empty());
}

TEST_CASE("cookie jar: any value a server writes comes back as the same bytes") {
    const auto now = std::chrono::system_clock::from_time_t(1700000000);
    for (std::string value : {std::string(), std::string(" a;b\t%,\"x\" "), std::string("\0\xff\r\n", 4)}) {
        CookieJar jar;
        jar.store(duplex::detail::format_set_cookie("k", value, {.path = ""}), now);
        duplex::detail::CookiePairs back;
        duplex::detail::parse_cookie_line(jar.header(), back);
        REQUIRE(back.size() == 1);
        CHECK(back[0].second == value);
    }
}
