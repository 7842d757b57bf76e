// parse_byte_range (static/byte_range.h).
#include <doctest/doctest.h>

#include <string>

#include "static/byte_range.h"

using namespace duplex::detail::static_files;

namespace {

struct Expect {
    RangeOutcome outcome;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

void check(std::string_view header, std::uint64_t size, Expect expected) {
    CAPTURE(header);
    CAPTURE(size);
    const ByteRange r = parse_byte_range(header, size);
    CHECK(r.outcome == expected.outcome);
    if (expected.outcome == RangeOutcome::Partial) {
        CHECK(r.first == expected.first);
        CHECK(r.last == expected.last);
    }
}

constexpr Expect kFull{RangeOutcome::Full};
constexpr Expect kUnsatisfiable{RangeOutcome::Unsatisfiable};
constexpr Expect partial(std::uint64_t first, std::uint64_t last) { return {RangeOutcome::Partial, first, last}; }

std::string repeated(std::string_view part, std::size_t count) {
    std::string out = "bytes=";
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) out += ',';
        out += part;
    }
    return out;
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("parse_byte_range: the three single forms") {
    check("bytes=0-99", 1000, partial(0, 99));
    check("bytes=500-", 1000, partial(500, 999));
    check("bytes=-100", 1000, partial(900, 999));
    check("bytes=999-999", 1000, partial(999, 999));
    check("bytes=0-0", 1, partial(0, 0));
    check("bytes=-1", 1, partial(0, 0));
}

TEST_CASE("parse_byte_range: every prefix of a header") {
    const std::string_view header = "bytes=10-99";
    for (std::size_t n = 0; n < 9; ++n) check(header.substr(0, n), 1000, kFull);  // up to "bytes=10": no dash yet
    check(header.substr(0, 9), 1000, partial(10, 999));                             // "bytes=10-"
    check(header.substr(0, 10), 1000, kFull);  // "bytes=10-9": a last-pos below first-pos is invalid
    check(header, 1000, partial(10, 99));
}

TEST_CASE("parse_byte_range: clamping") {
    check("bytes=0-5000", 1000, partial(0, 999));
    check("bytes=-5000", 1000, partial(0, 999));
    check("bytes=0-99999999999999999999999", 1000, partial(0, 999));
    check("bytes=-99999999999999999999999", 1000, partial(0, 999));
}

TEST_CASE("parse_byte_range: unsatisfiable") {
    check("bytes=1000-", 1000, kUnsatisfiable);
    check("bytes=1000-2000", 1000, kUnsatisfiable);
    check("bytes=-0", 1000, kUnsatisfiable);
    check("bytes=99999999999999999999999-", 1000, kUnsatisfiable);
    check("bytes=2000-3000,3000-", 1000, kUnsatisfiable);
    check("bytes=0-", 0, kUnsatisfiable);
    check("bytes=-0", 0, kUnsatisfiable);
}

TEST_CASE("parse_byte_range: syntactically invalid headers are ignored") {
    for (const char* header : {"", "bytes", "bytes=", "bytes=,", "=0-1", "items=0-1", "bytes=abc", "bytes=5-4",
                               "bytes=0-1-2", "bytes=-1-2", "bytes=--1", "bytes=-", "bytes=0x10-", "bytes=1 -2",
                               "bytes=1- 2", "bytes=+1-2", "bytes=0-1,5-4", "bytes=0-1;2-3", "bytes 0-1",
                               "bytes==0-1", "bytes=0-1,x"}) {
        check(header, 1000, kFull);
    }
}

TEST_CASE("parse_byte_range: unit case and whitespace") {
    check("BYTES=0-1", 1000, partial(0, 1));
    check("Bytes=0-1", 1000, partial(0, 1));
    check("bytes= 0-1", 1000, partial(0, 1));
    check("bytes=0-1 ,\t2-3 ", 1000, partial(0, 3));
    check("bytes=0-1,,", 1000, partial(0, 1));  // empty list elements are allowed
}

TEST_CASE("parse_byte_range: several parts merge or fall back to the whole body") {
    check("bytes=0-4,5-9", 1000, partial(0, 9));     // adjacent
    check("bytes=0-10,5-20", 1000, partial(0, 20));  // overlapping
    check("bytes=5-20,0-10", 1000, partial(0, 20));  // out of order
    check("bytes=0-1,5-6", 1000, kFull);             // disjoint: no multipart, whole body
    check("bytes=0-1,-1", 1000, kFull);
    check("bytes=990-,-20", 1000, partial(980, 999));
    check("bytes=0-1,2000-3000", 1000, partial(0, 1));  // the unsatisfiable part is dropped
}

TEST_CASE("parse_byte_range: too many parts are refused whole") {
    check(repeated("0-0", kMaxRangeParts), 1000, partial(0, 0));
    check(repeated("0-0", kMaxRangeParts + 1), 1000, kFull);
    check(repeated("5000-", kMaxRangeParts + 1), 1000, kFull);
}

TEST_CASE("parse_byte_range: empty representation") {
    check("bytes=-5", 0, kFull);  // a suffix of nothing: send the (empty) whole
    check("bytes=0-0,-5", 0, kFull);
}

}  // TEST_SUITE
