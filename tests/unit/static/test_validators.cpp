// append_etag, last_modified_seconds and append_last_modified (static/validators.h).
#include <doctest/doctest.h>

#include <string>

#include "static/validators.h"

using namespace duplex::detail::static_files;

namespace {

std::string etag(std::uint64_t device, std::uint64_t inode, std::uint64_t size, std::int64_t sec,
                 std::int64_t nsec) {
    FileIdentity file;
    file.device = device;
    file.inode = inode;
    file.size = size;
    file.mtime_sec = sec;
    file.mtime_nsec = nsec;
    file.ctime_sec = 99;  // not part of the tag
    std::string out;
    append_etag(file, out);
    return out;
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("append_etag: a strong tag from device, inode, size and nanosecond mtime") {
    CHECK(etag(0x803, 0x1a2b, 31, 0x65a1b2c3, 99999999) == "\"803-1a2b-1f-65a1b2c3.5f5e0ff\"");
    CHECK(etag(0, 0, 0, 0, 0) == "\"0-0-0-0.0\"");
    CHECK(etag(~0ULL, ~0ULL, ~0ULL, 1, 999999999) ==
          "\"ffffffffffffffff-ffffffffffffffff-ffffffffffffffff-1.3b9ac9ff\"");
    CHECK(etag(1, 2, 5, -1000, 5) == "\"1-2-5--3e8.5\"");  // before 1970
    // Every part of the identity tells versions apart: one nanosecond, another inode or device.
    CHECK(etag(1, 2, 3, 4, 5) != etag(1, 2, 3, 4, 6));
    CHECK(etag(1, 2, 3, 4, 5) != etag(1, 7, 3, 4, 5));
    CHECK(etag(1, 2, 3, 4, 5) != etag(9, 2, 3, 4, 5));
    CHECK(etag(1, 2, 3, 4, 5) != etag(1, 2, 8, 4, 5));
    std::string out = "ETag: ";
    append_etag(FileIdentity{}, out);
    CHECK(out == "ETag: \"0-0-0-0.0\"");
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
