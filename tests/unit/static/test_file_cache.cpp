// FileCache (static/file_cache.h): lookups, least-recently-used eviction, and the entry and body-byte bounds.
#include <doctest/doctest.h>

#include <string>

#include "static/file_cache.h"

using namespace duplex::detail::static_files;

namespace {

// An entry with a body of `body_size` bytes (or none), told apart by its real path.
FileCache::EntryPtr entry(const std::string& name, std::optional<std::size_t> body_size = std::nullopt) {
    FileEntry e = make_entry("/site/" + name, "/site/" + name, {}, std::chrono::seconds(0));
    if (body_size) e.body = std::string(*body_size, 'x');
    return std::make_shared<const FileEntry>(std::move(e));
}

std::string name_of(const FileCache::EntryPtr& e) { return e ? e->real_path.substr(6) : "(none)"; }

}  // namespace

TEST_SUITE("static") {

TEST_CASE("FileCache: find what was put, replace, erase") {
    FileCache cache({.max_entries = 8, .max_body_bytes = 1000, .max_file_bytes = 100});
    CHECK(cache.find("/site/a") == nullptr);
    cache.put("/site/a", entry("a", 10));
    cache.put("/site/dir/", entry("dir/index.html"));
    CHECK(name_of(cache.find("/site/a")) == "a");
    CHECK(name_of(cache.find("/site/dir/")) == "dir/index.html");
    CHECK(cache.find("/site/dir") == nullptr);  // the directory's key differs from the file's
    CHECK(cache.size() == 2);
    CHECK(cache.body_bytes() == 10);

    cache.put("/site/a", entry("a2", 30));  // a new version replaces the old one and its bytes
    CHECK(name_of(cache.find("/site/a")) == "a2");
    CHECK(cache.size() == 2);
    CHECK(cache.body_bytes() == 30);

    cache.erase("/site/a");
    CHECK(cache.find("/site/a") == nullptr);
    CHECK(cache.size() == 1);
    CHECK(cache.body_bytes() == 0);
    cache.erase("/site/never");  // harmless
    CHECK(cache.size() == 1);
}

TEST_CASE("FileCache: the entry bound evicts the least recently used") {
    FileCache cache({.max_entries = 3, .max_body_bytes = 1000, .max_file_bytes = 100});
    cache.put("a", entry("a", 1));
    cache.put("b", entry("b", 2));
    cache.put("c", entry("c", 3));
    REQUIRE(cache.find("a"));  // a is now the most recently used: b is next out
    cache.put("d", entry("d", 4));
    CHECK(cache.size() == 3);
    CHECK(cache.find("b") == nullptr);
    CHECK(cache.find("a"));
    CHECK(cache.find("c"));
    CHECK(cache.find("d"));
    CHECK(cache.body_bytes() == 1 + 3 + 4);
}

TEST_CASE("FileCache: the body-byte bound evicts until the bodies fit") {
    FileCache cache({.max_entries = 100, .max_body_bytes = 250, .max_file_bytes = 100});
    cache.put("a", entry("a", 100));
    cache.put("meta", entry("meta"));  // no body: costs no bytes
    cache.put("b", entry("b", 100));
    CHECK(cache.body_bytes() == 200);
    cache.put("c", entry("c", 100));  // 300 > 250: out go the oldest (a) until it fits
    CHECK(cache.body_bytes() == 200);
    CHECK(cache.find("a") == nullptr);
    CHECK(cache.find("meta"));
    CHECK(cache.find("b"));
    CHECK(cache.find("c"));
    // Used last: c, then b, then meta. d pushes the bytes over again: out go meta (no bytes, but older) and b.
    cache.put("d", entry("d", 100));
    CHECK(cache.body_bytes() == 200);
    CHECK(cache.find("b") == nullptr);
    CHECK(cache.find("meta") == nullptr);
    CHECK(cache.find("c"));
    CHECK(cache.find("d"));
}

TEST_CASE("FileCache: an entry handed out outlives its eviction") {
    FileCache cache({.max_entries = 1, .max_body_bytes = 1000, .max_file_bytes = 1000});
    cache.put("a", entry("a", 500));
    FileCache::EntryPtr held = cache.find("a");
    cache.put("b", entry("b", 5));
    CHECK(cache.find("a") == nullptr);
    REQUIRE(held);
    REQUIRE(held->body);
    CHECK(held->body->size() == 500);  // still readable by the response sending it
    CHECK(cache.body_bytes() == 5);    // and no longer counted
}

TEST_CASE("FileCache: wants_body follows both body bounds; zero keeps no body, zero entries nothing") {
    FileCache cache({.max_entries = 10, .max_body_bytes = 1000, .max_file_bytes = 100});
    CHECK(cache.wants_body(0));
    CHECK(cache.wants_body(100));
    CHECK_FALSE(cache.wants_body(101));
    FileCache small_total({.max_entries = 10, .max_body_bytes = 50, .max_file_bytes = 100});
    CHECK(small_total.wants_body(50));
    CHECK_FALSE(small_total.wants_body(51));
    FileCache no_file_bytes({.max_entries = 10, .max_body_bytes = 1000, .max_file_bytes = 0});
    CHECK_FALSE(no_file_bytes.wants_body(0));
    FileCache no_bytes({.max_entries = 10, .max_body_bytes = 0, .max_file_bytes = 100});
    CHECK_FALSE(no_bytes.wants_body(0));

    FileCache off({.max_entries = 0, .max_body_bytes = 1000, .max_file_bytes = 100});
    off.put("a", entry("a", 10));
    CHECK(off.find("a") == nullptr);
    CHECK(off.size() == 0);
    CHECK(off.body_bytes() == 0);
}

}  // TEST_SUITE
