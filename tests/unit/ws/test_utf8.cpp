#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "ws/utf8.h"

using duplex::detail::ws::is_valid_utf8;
using duplex::detail::ws::utf8_prefix;
using duplex::detail::ws::Utf8Validator;

namespace {

// A plain decoder written straight from RFC 3629's definition, to compare the DFA against.
bool reference_valid(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80) length = 1, cp = lead;
        else if ((lead & 0xE0) == 0xC0) length = 2, cp = lead & 0x1F;
        else if ((lead & 0xF0) == 0xE0) length = 3, cp = lead & 0x0F;
        else if ((lead & 0xF8) == 0xF0) length = 4, cp = lead & 0x07;
        else return false;
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto cont = static_cast<unsigned char>(text[i + k]);
            if ((cont & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cont & 0x3F);
        }
        const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

// Index of the byte at which a byte-at-a-time feed first reports failure, or npos.
std::size_t fail_position(std::string_view text) {
    Utf8Validator validator;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!validator.feed(text.substr(i, 1))) return i;
    return std::string_view::npos;
}

}  // namespace

TEST_SUITE("ws.utf8") {

TEST_CASE("valid text, including every encoding-length boundary") {
    const char* valid[] = {
        "", "plain ASCII", "\x7f",
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",  // "kosme" in Greek, Autobahn 6.2
        "\xc2\x80", "\xdf\xbf",                          // U+0080, U+07FF
        "\xe0\xa0\x80", "\xef\xbf\xbf",                  // U+0800, U+FFFF
        "\xed\x9f\xbf", "\xee\x80\x80",                  // U+D7FF, U+E000: around the surrogates
        "\xef\xbf\xbe",                                  // U+FFFE: a non-character, still valid
        "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",          // U+10000, U+10FFFF
        "mixed \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 text after a long enough ASCII run",
    };
    for (const char* text : valid) {
        INFO(text);
        CHECK(is_valid_utf8(text));
        CHECK(fail_position(text) == std::string_view::npos);
    }
    CHECK(is_valid_utf8(std::string_view("a\0b", 3)));  // NUL is a valid code point
}

TEST_CASE("invalid sequences fail at the first byte that can never become valid") {
    struct Case {
        std::string_view bytes;
        std::size_t fails_at;
    };
    const Case cases[] = {
        {"\xc0\x80", 0},              // overlong NUL: C0 can never start anything
        {"\xc1\xbf", 0},              // overlong U+007F
        {"\xe0\x80\x80", 1},          // overlong U+0000 in three bytes
        {"\xe0\x9f\xbf", 1},          // overlong U+07FF
        {"\xf0\x80\x80\x80", 1},      // overlong U+0000 in four bytes
        {"\xf0\x8f\xbf\xbf", 1},      // overlong U+FFFF
        {"\xed\xa0\x80", 1},          // U+D800, first surrogate
        {"\xed\xbf\xbf", 1},          // U+DFFF, last surrogate
        {"\xed\xa0\x80\xed\xb0\x80", 1},  // a surrogate pair, CESU style
        {"\xf4\x90\x80\x80", 1},      // U+110000
        {"\xf5\x80\x80\x80", 0},      // beyond any code point
        {"\xfe", 0}, {"\xff", 0},
        {"\x80", 0},                  // lone continuation byte
        {"ab\xbf", 2},
        {"\xc2\x41", 1},              // continuation missing
        {"\xe1\x80\x41", 2},
        {"\xf1\x80\x80\x41", 3},
        {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80" "edited", 12},  // Autobahn 6.3
    };
    for (const Case& c : cases) {
        INFO("case at " << c.fails_at << " of " << c.bytes.size() << " bytes");
        CHECK_FALSE(is_valid_utf8(c.bytes));
        CHECK(fail_position(c.bytes) == c.fails_at);
        Utf8Validator whole;
        CHECK_FALSE(whole.feed(c.bytes));
        CHECK_FALSE(whole.feed("ok"));  // stays failed
        CHECK_FALSE(whole.complete());
    }
}

TEST_CASE("a sequence cut at message end is incomplete, not failed") {
    for (std::string_view text : {"\xc2", "\xe1\x80", "\xf1\x80\x80", "abc\xf0\x9f\x98", "\xe0\xa0"}) {
        Utf8Validator validator;
        CHECK(validator.feed(text));
        CHECK_FALSE(validator.complete());
        CHECK_FALSE(is_valid_utf8(text));
    }
}

TEST_CASE("pieces may split code points anywhere") {
    const std::string text = "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 Z \xf4\x8f\xbf\xbf";
    for (std::size_t a = 0; a <= text.size(); ++a)
        for (std::size_t b = a; b <= text.size(); ++b) {
            Utf8Validator validator;
            CHECK(validator.feed(std::string_view(text).substr(0, a)));
            CHECK(validator.feed(std::string_view(text).substr(a, b - a)));
            CHECK(validator.feed(std::string_view(text).substr(b)));
            CHECK(validator.complete());
        }
}

TEST_CASE("the word-at-a-time ASCII path stops exactly at a bad byte") {
    for (std::size_t at = 0; at < 40; ++at) {
        std::string text(48, 'x');
        text[at] = '\xff';
        INFO("bad byte at " << at);
        CHECK(fail_position(text) == at);
        Utf8Validator validator;
        CHECK_FALSE(validator.feed(text));
        text[at] = '\xc3';  // now a lead byte whose continuation is missing
        CHECK_FALSE(is_valid_utf8(text));
        text.insert(at + 1, 1, '\xa9');
        CHECK(is_valid_utf8(text));
    }
}

TEST_CASE("agrees with a reference decoder on every 1, 2 and 3 byte string and many 4 byte ones") {
    std::string s(1, '\0');
    for (unsigned a = 0; a < 256; ++a) {
        s[0] = static_cast<char>(a);
        REQUIRE(is_valid_utf8(s) == reference_valid(s));
    }
    s.assign(2, '\0');
    for (unsigned a = 0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b) {
            s[0] = static_cast<char>(a), s[1] = static_cast<char>(b);
            REQUIRE(is_valid_utf8(s) == reference_valid(s));
        }
    // The big loops assert only on a mismatch: millions of passing doctest assertions would be slow.
    s.assign(3, '\0');
    for (unsigned a = 0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b)
            for (unsigned c = 0; c < 256; ++c) {
                s[0] = static_cast<char>(a), s[1] = static_cast<char>(b), s[2] = static_cast<char>(c);
                if (is_valid_utf8(s) != reference_valid(s)) REQUIRE(is_valid_utf8(s) == reference_valid(s));
            }
    const unsigned tails[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xff};
    s.assign(4, '\0');
    for (unsigned a = 0xc0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b)
            for (unsigned c : tails)
                for (unsigned d : tails) {
                    s[0] = static_cast<char>(a), s[1] = static_cast<char>(b);
                    s[2] = static_cast<char>(c), s[3] = static_cast<char>(d);
                    if (is_valid_utf8(s) != reference_valid(s)) REQUIRE(is_valid_utf8(s) == reference_valid(s));
                }
}

TEST_CASE("utf8_prefix cuts on a code point boundary") {
    CHECK(utf8_prefix("hello", 10) == "hello");
    CHECK(utf8_prefix("hello", 3) == "hel");
    CHECK(utf8_prefix("ab\xc3\xa9", 3) == "ab");             // would split U+00E9
    CHECK(utf8_prefix("ab\xc3\xa9", 4) == "ab\xc3\xa9");
    CHECK(utf8_prefix("a\xf0\x9f\x98\x80z", 4) == "a");      // would split a 4-byte sequence
    CHECK(utf8_prefix("a\xf0\x9f\x98\x80z", 5) == "a\xf0\x9f\x98\x80");
    CHECK(utf8_prefix("\xe2\x82\xac", 2).empty());
}

}  // TEST_SUITE
