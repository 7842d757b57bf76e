// split_target, percent_decode, NameValueList and parse_query (http/url.h).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/url.h"
#include "support/gcc_restrict_bug.h"

using namespace duplex::detail;
using namespace std::string_literals;

namespace {

std::vector<std::pair<std::string, std::string>> pairs_of(const NameValueList& list) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const NameValue& pair : list) out.emplace_back(pair.name, pair.value);
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_SUITE("url") {

TEST_CASE("split_target: origin-form") {
    auto t = split_target("/a/b?x=1&y=2");
    REQUIRE(t);
    CHECK(t->form == TargetForm::Origin);
    CHECK(t->path == "/a/b");
    CHECK(t->query == "x=1&y=2");
    CHECK(t->has_query);

    t = split_target("/");
    REQUIRE(t);
    CHECK(t->path == "/");
    CHECK(t->query.empty());
    CHECK_FALSE(t->has_query);

    t = split_target("/a?");
    REQUIRE(t);
    CHECK(t->path == "/a");
    CHECK(t->query.empty());
    CHECK(t->has_query);

    // Only the first '?' splits.
    t = split_target("/a?b?c");
    REQUIRE(t);
    CHECK(t->path == "/a");
    CHECK(t->query == "b?c");

    // Encoded bytes stay encoded.
    t = split_target("/a%2Fb?q=%20");
    REQUIRE(t);
    CHECK(t->path == "/a%2Fb");
    CHECK(t->query == "q=%20");
}

TEST_CASE("split_target: absolute-form yields its path") {
    auto t = split_target("http://example.com:8080/x/y?z=1");
    REQUIRE(t);
    CHECK(t->form == TargetForm::Absolute);
    CHECK(t->path == "/x/y");
    CHECK(t->query == "z=1");

    t = split_target("https://example.com");
    REQUIRE(t);
    CHECK(t->path == "/");
    CHECK_FALSE(t->has_query);

    t = split_target("http://example.com?q");
    REQUIRE(t);
    CHECK(t->path == "/");
    CHECK(t->query == "q");

    CHECK_FALSE(split_target("http:///nohost"));
}

TEST_CASE("split_target: asterisk and invalid forms") {
    auto t = split_target("*");
    REQUIRE(t);
    CHECK(t->form == TargetForm::Asterisk);
    CHECK(t->path == "*");

    CHECK_FALSE(split_target(""));
    CHECK_FALSE(split_target("example.com:443"));  // authority-form
    CHECK_FALSE(split_target("a/b"));
    CHECK_FALSE(split_target("1http://x/"));
    CHECK_FALSE(split_target("*x"));
    // A fragment is not part of a request-target (RFC 9112 3.2), in any form.
    CHECK_FALSE(split_target("/a?b?c#frag"));
    CHECK_FALSE(split_target("/p#x?y"));
    CHECK_FALSE(split_target("/#"));
    CHECK_FALSE(split_target("http://h/p#f"));
    CHECK_FALSE(split_target("http://h#f"));
}

TEST_CASE("is_valid_host: reg-name, IPv4, IP literals, optional port") {
    for (const char* ok : {"", "example.com", "EXAMPLE.com", "a", "127.0.0.1", "localhost:3000", "h:", "h:0",
                           "[::1]", "[::1]:8080", "[2001:db8::7]", "[::ffff:192.0.2.1]:1", "[v1.x:y]",
                           "xn--bcher-kva.example", "a_b~c-d", "%41b", "a,b", "!$&'()*+;="}) {
        CAPTURE(ok);
        CHECK(is_valid_host(ok));
    }
    for (const char* bad : {"a b", "a/b", "user@a", "<x>", "a:xyz", "a, b", "a:1:2", "a:1 ", " a", "a\\b",
                            "[::1", "::1", "[::1]x", "[::1]:a", "[]", "[g::1]", "[v.x]", "[v1.]", "[v1x]",
                            "%4", "%zz", "a?b", "a#b", "a\tb", "\x80"}) {
        CAPTURE(bad);
        CHECK_FALSE(is_valid_host(bad));
    }
}

TEST_CASE("percent_decode: byte-exact results") {
    struct Case {
        std::string in;
        std::string out;
    };
    const std::vector<Case> cases = {
        {"", ""},
        {"plain", "plain"},
        {"%41%42%43", "ABC"},
        {"%7e%7E", "~~"},
        {"a%20b", "a b"},
        {"a+b", "a+b"},  // '+' is literal outside query mode
        {"%2B", "+"},
        {"%2F%2f", "//"},
        {"%C3%A9", "\xC3\xA9"},
        {"%FF%00x", "\xFF\0x"s},
        {"%25", "%"},
        {"%2525", "%25"},  // decoded once only
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        std::string out;
        CHECK(percent_decode(c.in, out) == DecodeStatus::Ok);
        CHECK(out == c.out);
    }
}

TEST_CASE("percent_decode: every prefix of an encoded string") {
    // A prefix cut inside an escape is malformed; any other prefix decodes to the matching prefix of the result.
    const std::string_view encoded = "a%20b%C3%A9+";
    const std::vector<std::pair<DecodeStatus, std::string>> expected = {
        {DecodeStatus::Ok, ""},          {DecodeStatus::Ok, "a"},
        {DecodeStatus::BadEscape, ""},   {DecodeStatus::BadEscape, ""},
        {DecodeStatus::Ok, "a "},        {DecodeStatus::Ok, "a b"},
        {DecodeStatus::BadEscape, ""},   {DecodeStatus::BadEscape, ""},
        {DecodeStatus::Ok, "a b\xC3"},  {DecodeStatus::BadEscape, ""},
        {DecodeStatus::BadEscape, ""},   {DecodeStatus::Ok, "a b\xC3\xA9"},
        {DecodeStatus::Ok, "a b\xC3\xA9+"},
    };
    REQUIRE(expected.size() == encoded.size() + 1);
    for (std::size_t n = 0; n <= encoded.size(); ++n) {
        CAPTURE(n);
        std::string out;
        CHECK(percent_decode(encoded.substr(0, n), out) == expected[n].first);
        CHECK(out == expected[n].second);
    }
}

TEST_CASE("percent_decode: appends to existing content") {
    std::string out = "prefix:";
    CHECK(percent_decode("%61b", out) == DecodeStatus::Ok);
    CHECK(out == "prefix:ab");
}

TEST_CASE("percent_decode: malformed escapes fail and leave the output as it was") {
    for (const char* bad : {"%", "%4", "a%", "a%g0", "%0g", "%%", "%-1", "x%4", "% 20", "%\xff" "0"}) {
        CAPTURE(bad);
        std::string out = "keep";
        CHECK(percent_decode(bad, out) == DecodeStatus::BadEscape);
        CHECK(out == "keep");
    }
}

TEST_CASE("percent_decode: options") {
    std::string out;
    CHECK(percent_decode("a+b%2B", out, {.plus_as_space = true}) == DecodeStatus::Ok);
    CHECK(out == "a b+");

    out = "keep";
    CHECK(percent_decode("a%00b", out, {.reject_nul = true}) == DecodeStatus::Nul);
    CHECK(out == "keep");
    out.clear();
    CHECK(percent_decode("a%00b", out) == DecodeStatus::Ok);
    CHECK(out == "a\0b"s);
    // A literal NUL byte in the input is not a decoded one.
    out.clear();
    CHECK(percent_decode("a\0b"s, out, {.reject_nul = true}) == DecodeStatus::Ok);
    CHECK(out == "a\0b"s);
}

DUPLEX_GCC_RESTRICT_BUG_BEGIN  // first.name = "a" below
TEST_CASE("NameValueList: order, duplicates, find, reuse") {
    NameValueList list;
    CHECK(list.empty());
    CHECK_FALSE(list.find("a"));

    NameValue& first = list.append();
    first.name = "a";
    first.value = "1";
    NameValue& second = list.append();
    second.name = "b";
    second.value = "2";
    NameValue& third = list.append();
    third.name = "a";
    third.value = "3";
    CHECK(list.size() == 3);
    CHECK(list[2].value == "3");
    CHECK(list.find("a") == "1");
    CHECK(list.find("b") == "2");
    CHECK_FALSE(list.find("A"));

    list.pop_back();
    CHECK(list.size() == 2);

    list.clear();
    CHECK(list.empty());
    CHECK(list.begin() == list.end());
    // A reused slot starts out empty whatever it held before.
    NameValue& reused = list.append();
    CHECK(reused.name.empty());
    CHECK(reused.value.empty());
}
DUPLEX_GCC_RESTRICT_BUG_END

TEST_CASE("parse_query: pairs in order, duplicates kept") {
    NameValueList list;
    CHECK(parse_query("a=1&b=2&a=3", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}});
}

TEST_CASE("parse_query: odd shapes") {
    NameValueList list;
    CHECK(parse_query("a&b=", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"a", ""}, {"b", ""}});

    CHECK(parse_query("&&a=1&&", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"a", "1"}});

    CHECK(parse_query("=x&k=v=w", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"", "x"}, {"k", "v=w"}});

    CHECK(parse_query("", list) == DecodeStatus::Ok);
    CHECK(list.empty());

    CHECK(parse_query("=", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"", ""}});
}

TEST_CASE("parse_query: decoding, '+' as space") {
    NameValueList list;
    CHECK(parse_query("q=hello+world&name%20x=%C3%A9%2B1&e=a%3Db%26c", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"q", "hello world"}, {"name x", "\xC3\xA9+1"}, {"e", "a=b&c"}});
}

TEST_CASE("parse_query: errors clear the list") {
    NameValueList list;
    CHECK(parse_query("ok=1&bad=%zz", list) == DecodeStatus::BadEscape);
    CHECK(list.empty());
    CHECK(parse_query("a=1&b%=2", list) == DecodeStatus::BadEscape);
    CHECK(list.empty());
    CHECK(parse_query("a=%00", list, true) == DecodeStatus::Nul);
    CHECK(list.empty());
    CHECK(parse_query("a=%00", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"a", "\0"s}});
}

TEST_CASE("parse_query: a reused list reports only the new pairs") {
    NameValueList list;
    CHECK(parse_query("a=1&b=2&c=3", list) == DecodeStatus::Ok);
    CHECK(parse_query("z=9", list) == DecodeStatus::Ok);
    CHECK(pairs_of(list) == Pairs{{"z", "9"}});
}

}  // TEST_SUITE
