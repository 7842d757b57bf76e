// FileIdentity (static/file_identity.h): what stat() fields make a version, and when a version is settled.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "static/file_identity.h"

using namespace duplex::detail::static_files;

namespace {

struct stat sample_stat() {
    struct stat info {};
    info.st_dev = 7;
    info.st_ino = 1234;
    info.st_size = 99;
    info.st_mtim = {1700000000, 123456789};
    info.st_ctim = {1700000001, 5};
    return info;
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("identity_of: device, inode, size and both times to the nanosecond") {
    const FileIdentity id = identity_of(sample_stat());
    CHECK(id.device == 7);
    CHECK(id.inode == 1234);
    CHECK(id.size == 99);
    CHECK(id.mtime_sec == 1700000000);
    CHECK(id.mtime_nsec == 123456789);
    CHECK(id.ctime_sec == 1700000001);
    CHECK(id.ctime_nsec == 5);
    CHECK(id.mtime_ms() == 1700000000123);
}

TEST_CASE("FileIdentity: any field that differs makes another version") {
    const FileIdentity base = identity_of(sample_stat());
    CHECK(base == identity_of(sample_stat()));
    auto differs = [&](auto change) {
        struct stat info = sample_stat();
        change(info);
        return identity_of(info) != base;
    };
    CHECK(differs([](struct stat& s) { s.st_dev = 8; }));
    CHECK(differs([](struct stat& s) { s.st_ino = 1235; }));        // replaced by rename or a swapped symlink
    CHECK(differs([](struct stat& s) { s.st_size = 98; }));
    CHECK(differs([](struct stat& s) { s.st_mtim.tv_nsec += 1; }));  // same second, same millisecond
    CHECK(differs([](struct stat& s) { s.st_ctim.tv_nsec += 1; }));  // content rewritten, mtime put back
    CHECK_FALSE(differs([](struct stat& s) { s.st_atim = {1, 1}; }));  // reading is no change
    CHECK_FALSE(differs([](struct stat& s) { s.st_nlink = 3; }));
}

TEST_CASE("settled: only once ctime is more than kSettleSeconds behind now") {
    FileIdentity id;
    id.ctime_sec = 1000;
    id.ctime_nsec = 500;
    CHECK_FALSE(settled(id, {1000, 500}));
    CHECK_FALSE(settled(id, {1000 + kSettleSeconds, 500}));
    CHECK(settled(id, {1000 + kSettleSeconds, 501}));
    CHECK(settled(id, {1000 + kSettleSeconds + 1, 0}));
    CHECK_FALSE(settled(id, {999, 0}));  // a ctime in the future (clock skew) never settles
}

}  // TEST_SUITE
