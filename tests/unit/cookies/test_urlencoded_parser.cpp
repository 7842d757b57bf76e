// UrlencodedParser (middleware/urlencoded_parser.h): whole, one byte at a time and in random splits, all the same.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "middleware/urlencoded_parser.h"

using duplex::detail::UrlencodedParser;
using Status = UrlencodedParser::Status;
using Fields = UrlencodedParser::Fields;

namespace {

struct Result {
    Status status;
    Fields fields;
    bool operator==(const Result&) const = default;
};

Result parse_pieces(std::string_view body, const std::vector<std::size_t>& cuts, std::size_t limit,
                    std::size_t max_fields) {
    UrlencodedParser p(limit, max_fields);
    std::size_t pos = 0;
    for (const std::size_t cut : cuts) {
        p.feed(body.substr(pos, cut - pos));
        pos = cut;
    }
    p.feed(body.substr(pos));
    Status s = p.finish();
    return {s, s == Status::Ok ? p.fields() : Fields{}};
}

// Whole, byte by byte, and 30 random splits (fixed seed) must agree; returns the whole-body result.
Result parse(std::string_view body, std::size_t limit = 1 << 20, std::size_t max_fields = 1000) {
    const Result whole = parse_pieces(body, {}, limit, max_fields);
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < body.size(); ++i) every.push_back(i);
    CHECK(parse_pieces(body, every, limit, max_fields) == whole);
    std::mt19937 rng(21);
    for (int round = 0; round < 30 && body.size() > 1; ++round) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i < body.size(); ++i)
            if (rng() % 3 == 0) cuts.push_back(i);
        CHECK(parse_pieces(body, cuts, limit, max_fields) == whole);
    }
    return whole;
}

Result ok(Fields fields) { return {Status::Ok, std::move(fields)}; }
Result error(Status s) { return {s, {}}; }

}  // namespace

TEST_SUITE("urlencoded") {

TEST_CASE("pairs in order, repeated names kept, '+' as space, escapes decoded") {
    CHECK(parse("name=ada&lang=c%2B%2B&name=grace+hopper") ==
          ok({{"name", "ada"}, {"lang", "c++"}, {"name", "grace hopper"}}));
    CHECK(parse("a%20b=%E2%82%ac&x=%00") == ok({{"a b", "\xE2\x82\xAC"}, {"x", std::string(1, '\0')}}));
}

TEST_CASE("empty pieces skipped, no '=' is an empty value, only the first '=' splits") {
    CHECK(parse("") == ok({}));
    CHECK(parse("&&a=1&&b&=&c==d&") == ok({{"a", "1"}, {"b", ""}, {"", ""}, {"c", "=d"}}));
    CHECK(parse("a=") == ok({{"a", ""}}));
    CHECK(parse("=v") == ok({{"", "v"}}));
}

TEST_CASE("a bad escape is an error wherever it is") {
    for (const char* body : {"a=%", "a=%4", "a=%4g", "%zz=1", "a=1&b=%&c=3", "a=%%41", "a=%+4", "a%=1"})
        CHECK_MESSAGE(parse(body) == error(Status::BadEscape), body);
}

TEST_CASE("limits: bytes and fields") {
    CHECK(parse("a=1&b=2", 7) == ok({{"a", "1"}, {"b", "2"}}));
    CHECK(parse("a=1&b=2", 6) == error(Status::TooLarge));
    CHECK(parse("a=1&b=2&&", 100, 2) == ok({{"a", "1"}, {"b", "2"}}));
    CHECK(parse("a=1&b=2&c", 100, 2) == error(Status::TooManyFields));
}

TEST_CASE("after an error, nothing more is read") {
    UrlencodedParser p(100, 10);
    CHECK(p.feed("a=%x") == Status::BadEscape);
    CHECK(p.feed("41") == Status::BadEscape);
    CHECK(p.finish() == Status::BadEscape);
}

}  // TEST_SUITE
