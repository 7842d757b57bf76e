// The token and field-value checks, byte by byte over all 256 values against the grammar of RFC 9110 5.6.2 and 5.5.
#include "http/http_tokens.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace duplex::detail;

TEST_SUITE("http tokens") {
TEST_CASE("tchar is exactly ALPHA / DIGIT / the fifteen listed symbols") {
    const std::string_view symbols = "!#$%&'*+-.^_`|~";
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        const bool expected = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                              symbols.find(c) != std::string_view::npos;
        CAPTURE(b);
        CHECK(is_tchar(c) == expected);
        CHECK(is_token(std::string("X-") + c) == expected);
    }
    CHECK_FALSE(is_token(""));
    CHECK(is_token("Content-Type"));
    CHECK_FALSE(is_token("Content Type"));
}

TEST_CASE("field values refuse controls other than HTAB, and DEL; accept obs-text") {
    for (int b = 0; b < 256; ++b) {
        const bool expected = !((b < 0x20 && b != '\t') || b == 0x7f);
        CAPTURE(b);
        CHECK(is_field_value(std::string("a") + static_cast<char>(b) + "b") == expected);
    }
    CHECK(is_field_value(""));
    CHECK(is_field_value("application/json; charset=utf-8"));
    CHECK_FALSE(is_field_value("x\r\nSet-Cookie: y"));
}
}
