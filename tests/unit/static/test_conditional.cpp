// decide_serve (static/conditional.h): preconditions, 304, Range and If-Range.
#include <doctest/doctest.h>

#include <string>

#include "static/conditional.h"

using namespace duplex::detail::static_files;

namespace {

constexpr std::string_view kEtag = "W/\"3e8-1\"";
constexpr std::string_view kLastModified = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr std::string_view kEarlier = "Sun, 06 Nov 1994 08:49:36 GMT";
constexpr std::string_view kLater = "Sun, 06 Nov 1994 08:49:38 GMT";
constexpr std::time_t kNow = 1718000000;

const FileValidators kFile{.size = 1000, .last_modified = 784111777, .etag = kEtag};

RequestConditions get() {
    RequestConditions r;
    r.method = "GET";
    r.now = kNow;
    return r;
}

RequestConditions with_method(std::string_view method) {
    RequestConditions r = get();
    r.method = method;
    return r;
}

void check_full(const ServeDecision& d) {
    CHECK(d.status == 200);
    CHECK(d.offset == 0);
    CHECK(d.length == 1000);
    CHECK(d.accept_ranges);
    CHECK(d.content_range().empty());
}

void check_not_modified(const ServeDecision& d) {
    CHECK(d.status == 304);
    CHECK(d.length == 0);
    CHECK(d.accept_ranges);
    CHECK(d.content_range().empty());
}

void check_precondition_failed(const ServeDecision& d) {
    CHECK(d.status == 412);
    CHECK(d.length == 0);
    CHECK_FALSE(d.accept_ranges);
    CHECK(d.content_range().empty());
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("decide_serve: unconditional GET and HEAD send everything") {
    check_full(decide_serve(kFile, get()));
    check_full(decide_serve(kFile, with_method("HEAD")));
}

TEST_CASE("decide_serve: If-None-Match") {
    for (const char* value : {"W/\"3e8-1\"", "\"3e8-1\"", "\"other\", W/\"3e8-1\"", "\"a\",W/\"3e8-1\" ", "*",
                              " * ", "\"x,y\", \"3e8-1\""}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_none_match = value;
        check_not_modified(decide_serve(kFile, r));
        r.method = "HEAD";
        check_not_modified(decide_serve(kFile, r));
        r.method = "POST";  // a matching If-None-Match on an unsafe method fails the precondition
        check_precondition_failed(decide_serve(kFile, r));
    }
    for (const char* value : {"\"other\"", "W/\"3e8-2\"", "W/3e8-1", "3e8-1", "\"x\" junk W/\"3e8-1\"", "\"3e8-1",
                              "w/\"3e8-1\"", ","}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_none_match = value;
        check_full(decide_serve(kFile, r));
    }
}

TEST_CASE("decide_serve: If-Modified-Since") {
    for (std::string_view value : {kLastModified, kLater, std::string_view("Sunday, 06-Nov-94 08:49:37 GMT"),
                                   std::string_view("Sun Nov  6 08:49:37 1994")}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_modified_since = value;
        check_not_modified(decide_serve(kFile, r));
        r.method = "HEAD";
        check_not_modified(decide_serve(kFile, r));
        r.method = "POST";  // only GET and HEAD look at it
        CHECK(decide_serve(kFile, r).status == 200);
    }
    for (std::string_view value : {kEarlier, std::string_view("yesterday"), std::string_view("0")}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_modified_since = value;
        check_full(decide_serve(kFile, r));
    }
}

TEST_CASE("decide_serve: If-Modified-Since is ignored when If-None-Match is present") {
    RequestConditions r = get();
    r.if_none_match = "\"other\"";
    r.if_modified_since = kLater;
    check_full(decide_serve(kFile, r));

    r.if_none_match = kEtag;
    r.if_modified_since = kEarlier;
    check_not_modified(decide_serve(kFile, r));
}

TEST_CASE("decide_serve: If-Match") {
    for (const char* value : {"W/\"3e8-1\"", "\"3e8-1\"", "\"x\", \"3e8-1\"", "*"}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_match = value;
        check_full(decide_serve(kFile, r));
    }
    for (const char* value : {"\"other\"", "W/\"nope\"", "3e8-1", "\"3e8-1"}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.if_match = value;
        check_precondition_failed(decide_serve(kFile, r));
    }
}

TEST_CASE("decide_serve: If-Unmodified-Since") {
    RequestConditions r = get();
    r.if_unmodified_since = kEarlier;
    check_precondition_failed(decide_serve(kFile, r));
    r.if_unmodified_since = kLastModified;
    check_full(decide_serve(kFile, r));
    r.if_unmodified_since = kLater;
    check_full(decide_serve(kFile, r));
    r.if_unmodified_since = "not a date";
    check_full(decide_serve(kFile, r));

    // Ignored when If-Match is present.
    r.if_unmodified_since = kEarlier;
    r.if_match = kEtag;
    check_full(decide_serve(kFile, r));
}

TEST_CASE("decide_serve: precondition failures come before 304 and Range") {
    RequestConditions r = get();
    r.if_match = "\"other\"";
    r.if_none_match = kEtag;
    r.range = "bytes=0-9";
    check_precondition_failed(decide_serve(kFile, r));

    r = get();
    r.if_unmodified_since = kEarlier;
    r.if_modified_since = kLater;
    check_precondition_failed(decide_serve(kFile, r));

    // Passing preconditions then a fresh cache: 304.
    r = get();
    r.if_match = kEtag;
    r.if_none_match = kEtag;
    check_not_modified(decide_serve(kFile, r));

    // 304 wins over Range.
    r = get();
    r.if_none_match = kEtag;
    r.range = "bytes=0-9";
    check_not_modified(decide_serve(kFile, r));
}

TEST_CASE("decide_serve: Range on GET") {
    RequestConditions r = get();
    r.range = "bytes=0-99";
    ServeDecision d = decide_serve(kFile, r);
    CHECK(d.status == 206);
    CHECK(d.offset == 0);
    CHECK(d.length == 100);
    CHECK(d.accept_ranges);
    CHECK(d.content_range() == "bytes 0-99/1000");

    r.range = "bytes=-10";
    d = decide_serve(kFile, r);
    CHECK(d.status == 206);
    CHECK(d.offset == 990);
    CHECK(d.length == 10);
    CHECK(d.content_range() == "bytes 990-999/1000");

    r.range = "bytes=100-";
    d = decide_serve(kFile, r);
    CHECK(d.status == 206);
    CHECK(d.offset == 100);
    CHECK(d.length == 900);
    CHECK(d.content_range() == "bytes 100-999/1000");

    r.if_match = kEtag;  // a passing precondition does not stop the Range
    CHECK(decide_serve(kFile, r).status == 206);
}

TEST_CASE("decide_serve: unsatisfiable Range is 416 with bytes */size") {
    RequestConditions r = get();
    r.range = "bytes=1000-";
    const ServeDecision d = decide_serve(kFile, r);
    CHECK(d.status == 416);
    CHECK(d.length == 0);
    CHECK_FALSE(d.accept_ranges);
    CHECK(d.content_range() == "bytes */1000");
}

TEST_CASE("decide_serve: Range is ignored when invalid, multiple, or not on GET") {
    for (const char* value : {"bytes=abc", "bytes=5-1", "items=0-1", "bytes=0-1,5-6"}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.range = value;
        check_full(decide_serve(kFile, r));
    }
    RequestConditions r = with_method("HEAD");
    r.range = "bytes=0-9";
    check_full(decide_serve(kFile, r));
    r.range = "bytes=5000-";
    check_full(decide_serve(kFile, r));
}

TEST_CASE("decide_serve: If-Range") {
    const FileValidators strong{.size = 1000, .last_modified = 784111777, .etag = "\"3e8-1\""};
    for (const auto& [file, value] : {std::pair{kFile, kLastModified}, std::pair{strong, kLastModified},
                                      std::pair{strong, std::string_view("\"3e8-1\"")}}) {
        const auto& value_text = value;  // clang 14 cannot capture a structured binding in CAPTURE's lambda
        CAPTURE(value_text);
        RequestConditions r = get();
        r.range = "bytes=0-9";
        r.if_range = value;
        CHECK(decide_serve(file, r).status == 206);
    }
    // An entity-tag matches only strongly (RFC 9110 13.1.5): never when either side is weak.
    for (std::string_view value : {kEtag, std::string_view("\"3e8-1\"")}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.range = "bytes=0-9";
        r.if_range = value;
        check_full(decide_serve(kFile, r));
        r.if_range = "W/\"3e8-1\"";
        check_full(decide_serve(strong, r));
    }
    for (std::string_view value : {std::string_view("\"zzz\""), std::string_view("W/\"3e8-2\""), kEarlier, kLater,
                                   std::string_view("garbage")}) {
        CAPTURE(value);
        RequestConditions r = get();
        r.range = "bytes=0-9";
        r.if_range = value;
        check_full(decide_serve(kFile, r));
        r.range = "bytes=5000-";  // a stale validator turns even an unsatisfiable Range into 200
        check_full(decide_serve(kFile, r));
    }
}

TEST_CASE("decide_serve: Content-Range with the largest sizes fits") {
    const FileValidators huge{.size = 18446744073709551615ULL, .last_modified = 0, .etag = kEtag};
    RequestConditions r = get();
    r.range = "bytes=18446744073709551613-";
    ServeDecision d = decide_serve(huge, r);
    CHECK(d.status == 206);
    CHECK(d.length == 2);
    CHECK(d.content_range() == "bytes 18446744073709551613-18446744073709551614/18446744073709551615");
    r.range = "bytes=18446744073709551615-";
    d = decide_serve(huge, r);
    CHECK(d.status == 416);
    CHECK(d.content_range() == "bytes */18446744073709551615");
}

TEST_CASE("decide_serve: empty file") {
    const FileValidators empty{.size = 0, .last_modified = 784111777, .etag = "W/\"0-1\""};
    RequestConditions r = get();
    ServeDecision d = decide_serve(empty, r);
    CHECK(d.status == 200);
    CHECK(d.length == 0);
    r.range = "bytes=0-";
    d = decide_serve(empty, r);
    CHECK(d.status == 416);
    CHECK(d.content_range() == "bytes */0");
}

}  // TEST_SUITE
