// append_etag, last_modified_seconds and append_last_modified (static/validators.h).
#include <doctest/doctest.h>

#include <string>

#include "static/validators.h"

using namespace duplex::detail::static_files;

namespace {

std::string etag(std::uint64_t size, std::int64_t mtime_ms) {
    std::string out;
    append_etag(size, mtime_ms, out);
    return out;
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("append_etag: express's weak stat tag") {
    CHECK(etag(31, 0x18c2b5e1a40) == "W/\"1f-18c2b5e1a40\"");
    CHECK(etag(0, 0) == "W/\"0-0\"");
    CHECK(etag(0xffffffffffffffffULL, 1) == "W/\"ffffffffffffffff-1\"");
    CHECK(etag(5, -1000) == "W/\"5--3e8\"");  // JavaScript's (-1000).toString(16)
    std::string out = "ETag: ";
    append_etag(16, 255, out);
    CHECK(out == "ETag: W/\"10-ff\"");
}

TEST_CASE("last_modified_seconds floors to whole seconds") {
    CHECK(last_modified_seconds(0) == 0);
    CHECK(last_modified_seconds(999) == 0);
    CHECK(last_modified_seconds(1999) == 1);
    CHECK(last_modified_seconds(-1) == -1);
    CHECK(last_modified_seconds(-1000) == -1);
    CHECK(last_modified_seconds(-1001) == -2);
}

TEST_CASE("append_last_modified") {
    std::string out;
    append_last_modified(784111777999, out);
    CHECK(out == "Sun, 06 Nov 1994 08:49:37 GMT");
}

}  // TEST_SUITE
