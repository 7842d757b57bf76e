// format_http_date, append_http_date and parse_http_date (http/http_date.h).
#include <doctest/doctest.h>

#include <array>
#include <ctime>
#include <string>

#include "http/http_date.h"

using namespace duplex::detail;

namespace {

constexpr std::time_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::time_t kNow2024 = 1718000000;    // Mon, 10 Jun 2024 06:13:20 GMT

std::string format(std::time_t t) {
    std::array<char, kHttpDateSize> buffer;
    return std::string(format_http_date(t, buffer));
}

}  // namespace

TEST_SUITE("http_date") {

TEST_CASE("format: known instants") {
    CHECK(format(kRfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(format(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(format(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
    CHECK(format(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
    CHECK(format(kNow2024) == "Mon, 10 Jun 2024 06:13:20 GMT");
    CHECK(format(253402300799) == "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST_CASE("format: years the format cannot hold give an empty view") {
    CHECK(format(253402300800).empty());  // year 10000
    CHECK(format(-62167219201).empty());  // year -1
    CHECK(format(-62167219200) == "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST_CASE("format: the view points into the caller's buffer") {
    std::array<char, kHttpDateSize> buffer;
    const std::string_view view = format_http_date(kRfcExample, buffer);
    CHECK(view.data() == buffer.data());
    CHECK(view.size() == kHttpDateSize);
}

TEST_CASE("append_http_date appends") {
    std::string out = "Date: ";
    append_http_date(kRfcExample, out);
    CHECK(out == "Date: Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_CASE("parse: the three forms of RFC 9110's example") {
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", kNow2024) == kRfcExample);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow2024) == kRfcExample);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994", kNow2024) == kRfcExample);
    CHECK(parse_http_date("Thu Nov 16 08:49:37 1994", kNow2024) == kRfcExample + 10 * 86400);
}

TEST_CASE("parse: round trips through format") {
    for (std::time_t t : {std::time_t{0}, std::time_t{-1}, kRfcExample, kNow2024, std::time_t{951782400},
                          std::time_t{4102444799}, std::time_t{253402300799}, std::time_t{-62167219200}}) {
        CAPTURE(t);
        const std::string text = format(t);
        CHECK(parse_http_date(text, kNow2024) == t);
    }
    for (std::time_t t = -86400LL * 400; t < 86400LL * 366 * 60; t += 86400 * 17 + 3671) {
        const std::string text = format(t);
        REQUIRE(parse_http_date(text, kNow2024) == t);
    }
}

TEST_CASE("parse: RFC 850 two-digit years stay within 50 years of now") {
    // now = 2024: 74 -> 2074 (50 ahead), 75 -> 1975, 24 -> 2024, 00 -> 2000
    CHECK(parse_http_date("Monday, 01-Jan-74 00:00:00 GMT", kNow2024) ==
          parse_http_date("Mon, 01 Jan 2074 00:00:00 GMT", kNow2024));
    CHECK(parse_http_date("Wednesday, 01-Jan-75 00:00:00 GMT", kNow2024) == 157766400);
    CHECK(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT", kNow2024) == 946684800);
    // now = 2090: 00 -> 2100 rather than 90 years back
    const std::time_t now2090 = 3786912000;  // 01 Jan 2090
    CHECK(parse_http_date("Friday, 01-Jan-00 00:00:00 GMT", now2090) ==
          parse_http_date("Fri, 01 Jan 2100 00:00:00 GMT", now2090));
    // 2140 is exactly 50 years ahead, not more: it stands; 2141 would be 51 ahead, so 41 means 2041.
    CHECK(parse_http_date("Sunday, 01-Jan-40 00:00:00 GMT", now2090) ==
          parse_http_date("Sun, 01 Jan 2140 00:00:00 GMT", now2090));
    CHECK(parse_http_date("Tuesday, 01-Jan-41 00:00:00 GMT", now2090) ==
          parse_http_date("Tue, 01 Jan 2041 00:00:00 GMT", now2090));
}

TEST_CASE("parse: every truncation of a valid date is rejected") {
    for (std::string_view full : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                                  "Sun Nov  6 08:49:37 1994"}) {
        for (std::size_t n = 0; n < full.size(); ++n) {
            CAPTURE(full.substr(0, n));
            CHECK_FALSE(parse_http_date(full.substr(0, n), kNow2024));
        }
        CHECK(parse_http_date(full, kNow2024) == kRfcExample);
    }
}

TEST_CASE("parse: calendar validity") {
    CHECK(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 29 Feb 2023 00:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Tue, 29 Feb 1900 00:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 31 Apr 2024 00:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 00 Apr 2024 00:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 10 Apr 2024 24:00:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 10 Apr 2024 23:60:00 GMT", kNow2024));
    CHECK_FALSE(parse_http_date("Wed, 10 Apr 2024 23:59:61 GMT", kNow2024));
    // A leap second is accepted and lands on the next second.
    CHECK(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT", kNow2024) == 1483228800);
}

TEST_CASE("parse: malformed text") {
    for (const char* bad : {
             "",
             "Sun",
             "Sun, 06 Nov 1994 08:49:37 GMT ",   // trailing space
             " Sun, 06 Nov 1994 08:49:37 GMT",   // leading space
             "Sun, 06 Nov 1994 08:49:37 UTC",    // zone must be GMT
             "Sun, 6 Nov 1994 08:49:37 GMT",     // day needs two digits
             "Sun, 06 nov 1994 08:49:37 GMT",    // names are case-sensitive
             "sun, 06 Nov 1994 08:49:37 GMT",
             "Sun, 06 Nov 94 08:49:37 GMT",      // four-digit year in IMF-fixdate
             "Sun, 06 Nov 1994 8:49:37 GMT",
             "Sun, 06 Nov 1994 08:49 GMT",
             "Sun,06 Nov 1994 08:49:37 GMT",
             "Sun, 06-Nov-1994 08:49:37 GMT",
             "Sunday, 06 Nov 1994 08:49:37 GMT", // long name with IMF layout
             "Sun, 06-Nov-94 08:49:37 GMT",      // RFC 850 needs the long name
             "Sunday, 06-Nov-94 08:49:37",
             "Sunday, 06-Nov-1994 08:49:37 GMT",
             "Sun Nov 6 08:49:37 1994",          // asctime pads the day with a space
             "Sun Nov  6 08:49:37 94",
             "Sun Nov 06 08:49:37 1994 ",
             "Xyz, 06 Nov 1994 08:49:37 GMT",
             "Sun, 06 Foo 1994 08:49:37 GMT",
             "1994-11-06T08:49:37Z",
         }) {
        CAPTURE(bad);
        CHECK_FALSE(parse_http_date(bad, kNow2024));
    }
    // asctime with a two-digit day is fine.
    CHECK(parse_http_date("Sun Nov 06 08:49:37 1994", kNow2024) == kRfcExample);
}

}  // TEST_SUITE
