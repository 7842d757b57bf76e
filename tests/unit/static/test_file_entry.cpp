// FileEntry (static/file_entry.h): the ready-made header lines, and on real files the checks that tie an entry to
// one version: still_current (the path), open_current and load_body (the bytes).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "static/file_entry.h"

using namespace duplex::detail::static_files;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string templ = (fs::temp_directory_path() / "duplex-entry-XXXXXX").string();
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        dir = templ;
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    std::string write(const std::string& name, std::string_view content) const {
        std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << content;
        return (dir / name).string();
    }
};

FileIdentity stat_identity(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return identity_of(info);
}

// File systems stamp times from a clock that ticks every few milliseconds: a change made within the same tick as
// the version it replaces could keep its times (the server never keeps the bytes of so fresh a version). The
// tests wait out a tick so each change is visible.
void next_tick() { ::usleep(20 * 1000); }

// The entry serve_static would make for `path` (already canonical), looked up through `check_path`.
FileEntry entry_for(const std::string& path, const std::string& check_path) {
    return make_entry(path, check_path, stat_identity(path), std::chrono::seconds(0));
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("make_entry: validators and header lines, each answer's set a prefix of the next") {
    FileIdentity id;
    id.device = 0x803;
    id.inode = 0x1a2b;
    id.size = 31;
    id.mtime_sec = 784111777;
    id.mtime_nsec = 123456789;
    const FileEntry e = make_entry("/srv/www/page.HTML", "/srv/www/page.HTML", id, std::chrono::seconds(60));
    CHECK(e.etag == "\"803-1a2b-1f-2ebc98a1.75bcd15\"");
    CHECK(e.last_modified == 784111777);
    CHECK(e.validator_headers() ==
          "Cache-Control: public, max-age=60\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "ETag: \"803-1a2b-1f-2ebc98a1.75bcd15\"\r\n");
    CHECK(e.not_modified_headers() == std::string(e.validator_headers()) + "Accept-Ranges: bytes\r\n");
    CHECK(e.content_headers() ==
          std::string(e.not_modified_headers()) + "Content-Type: text/html; charset=utf-8\r\n");
    CHECK(e.content_type() == "text/html; charset=utf-8");
    CHECK_FALSE(e.body);

    const FileEntry plain = make_entry("/srv/www/blob", "/srv/www/blob", id, std::chrono::seconds(0));
    CHECK(plain.validator_headers().starts_with("Cache-Control: public, max-age=0\r\n"));
    CHECK(plain.content_headers().ends_with("Content-Type: application/octet-stream\r\n"));
    CHECK(plain.content_type() == "application/octet-stream");
}

TEST_CASE("load_body reads the version described; open_current opens it") {
    Scratch s;
    const std::string path = s.write("a.txt", "hello world");
    FileEntry e = entry_for(path, path);
    REQUIRE(load_body(e));
    REQUIRE(e.body);
    CHECK(*e.body == "hello world");

    const int fd = open_current(e);
    REQUIRE(fd >= 0);
    char buf[5];
    CHECK(::pread(fd, buf, 5, 0) == 5);
    CHECK(std::string(buf, 5) == "hello");
    ::close(fd);

    FileEntry empty = entry_for(s.write("empty.txt", ""), (s.dir / "empty.txt").string());
    REQUIRE(load_body(empty));
    CHECK(*empty.body == "");
}

TEST_CASE("another version on disk: no body, no descriptor, not current") {
    Scratch s;
    const std::string path = s.write("a.txt", "aaaa");
    FileEntry e = entry_for(path, path);
    CHECK(still_current(e));
    next_tick();
    s.write("a.txt", "bbbb");  // same size, same inode
    CHECK_FALSE(still_current(e));
    CHECK_FALSE(load_body(e));
    CHECK_FALSE(e.body);
    errno = 0;
    CHECK(open_current(e) == -1);
    CHECK(errno == ESTALE);
}

TEST_CASE("still_current: content rewritten with its old mtime put back is still another version") {
    Scratch s;
    const std::string path = s.write("a.txt", "aaaa");
    const FileEntry e = entry_for(path, path);
    next_tick();
    s.write("a.txt", "bbbb");
    const timespec old_times[2] = {{e.identity.mtime_sec, e.identity.mtime_nsec},
                                   {e.identity.mtime_sec, e.identity.mtime_nsec}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), old_times, 0) == 0);
    const FileIdentity now = stat_identity(path);
    REQUIRE(now.mtime_sec == e.identity.mtime_sec);
    REQUIRE(now.mtime_nsec == e.identity.mtime_nsec);
    REQUIRE(now.size == e.identity.size);
    CHECK_FALSE(still_current(e));  // ctime moved: nobody can put it back
}

TEST_CASE("still_current follows the requested path: deleted, replaced, or a symlink retargeted") {
    Scratch s;
    const std::string v1 = s.write("v1.txt", "one");
    s.write("v2.txt", "two");
    fs::create_symlink("v1.txt", s.dir / "current");
    const std::string link = (s.dir / "current").string();
    const FileEntry via_link = entry_for(v1, link);
    CHECK(still_current(via_link));
    fs::remove(link);
    fs::create_symlink("v2.txt", link);
    CHECK_FALSE(still_current(via_link));  // v1 itself is untouched, but the path leads elsewhere now

    const std::string path = s.write("gone.txt", "x");
    const FileEntry gone = entry_for(path, path);
    fs::remove(path);
    CHECK_FALSE(still_current(gone));
    CHECK(open_current(gone) == -1);
    CHECK(errno == ENOENT);

    const std::string swapped = s.write("swapped.txt", "x");
    const FileEntry before = entry_for(swapped, swapped);
    s.write("other.txt", "x");
    fs::rename(s.dir / "other.txt", swapped);  // atomically replaced: same name, size and content
    CHECK_FALSE(still_current(before));
}

}  // TEST_SUITE
