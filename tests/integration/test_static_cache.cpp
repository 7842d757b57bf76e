// serve_static's file cache through a real server: cached bodies are the files' bytes, every change on disk
// (an edit keeping the size, even with its old mtime put back; a deletion; a file appearing; a file swapped for a
// symlink out of the root; a symlink retargeted) shows on the very next request, conditional and Range answers
// come from cached entries, and the bounds hold. The cache's own counters (static/cache_stats.h) show that the
// answers really came from memory.
#include "support/gcc_restrict_bug.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <duplex/static_files.h>

#include "static/cache_stats.h"
#include "static/file_identity.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace testing_support;
namespace fs = std::filesystem;
namespace sf = duplex::detail::static_files;

namespace {

// A server whose only layer is one serve_static middleware over `root`, with its cache counters at hand.
struct CachedSite {
    duplex::Middleware files;
    ServerThread server;

    // `before` adds layers in front of the static files.
    explicit CachedSite(const std::string& root, duplex::StaticOptions options = {},
                        std::function<void(duplex::App&)> before = {})
        : files(duplex::serve_static(root, options)), server([this, before](duplex::App& app, duplex::WsServer&) {
              if (before) before(app);
              app.use(files);
          }) {}

    HttpResponse fetch(const std::string& target, const std::string& extra = "", const char* method = "GET") {
        const bool head = std::string(method) == "HEAD";
        auto r = http_request(server.http_port(),
                              std::string(method) + " " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n", head);
        REQUIRE(r);
        return *r;
    }

    sf::CacheStats stats() {
        sf::CacheStats out;
        REQUIRE(server.run_on_loop([&] { out = *sf::cache_stats(files); }));
        return out;
    }
};

// Waits until every file written so far is old enough for its bytes to be kept in memory (file_identity.h).
void settle() {
    std::this_thread::sleep_for(std::chrono::seconds(sf::kSettleSeconds) + std::chrono::milliseconds(300));
}

// Puts back a file's exact modification time, as `touch -d` or `rsync -t` would after an edit.
void restore_mtime(const std::string& path, const struct stat& before) {
    const timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

const std::string kSecret = "TOP-SECRET-OUTSIDE-ROOT";

}  // namespace

TEST_SUITE("static_cache") {

TEST_CASE("every change on disk shows on the very next request, cached bodies included") {
    TempDir dir;
    dir.write("secret.txt", kSecret);
    dir.write("www/a.txt", "aaaaaaaa");
    const std::string b_path = dir.write("www/b.txt", "bbbbbbbb");
    dir.write("www/index.html", "<p>home v1</p>");
    dir.write("www/gone.txt", "soon gone");
    dir.write("www/swap.txt", "swap me");
    dir.write("www/v1/index.html", "release one");
    dir.write("www/v2/index.html", "release two");
    const std::string root = dir.path() + "/www";
    fs::create_directory_symlink("v1", root + "/current");
    settle();
    CachedSite site(root);

    // Served twice: the second answer comes from the entry, its body from memory.
    for (const char* target : {"/a.txt", "/b.txt", "/", "/gone.txt", "/swap.txt", "/current/"}) {
        INFO("target: ", target);
        const HttpResponse first = site.fetch(target);
        CHECK(first.status == 200);
        CHECK(site.fetch(target).body == first.body);
    }
    sf::CacheStats s = site.stats();
    CHECK(s.hits == 6);
    CHECK(s.misses == 6);
    CHECK(s.entries == 6);
    CHECK(s.body_bytes == 8 + 8 + 14 + 9 + 7 + 11);

    // Same size, new bytes.
    dir.write("www/a.txt", "AAAAAAAA");
    CHECK(site.fetch("/a.txt").body == "AAAAAAAA");
    // Same size and the old mtime put back to the nanosecond: only ctime tells.
    struct stat b_before {};
    REQUIRE(::stat(b_path.c_str(), &b_before) == 0);
    dir.write("www/b.txt", "BBBBBBBB");
    restore_mtime(b_path, b_before);
    const HttpResponse b = site.fetch("/b.txt");
    CHECK(b.body == "BBBBBBBB");
    // A directory's index.
    dir.write("www/index.html", "<p>home v2</p>");
    CHECK(site.fetch("/").body == "<p>home v2</p>");
    // Deleted: 404, and the entry is gone.
    fs::remove(root + "/gone.txt");
    CHECK(site.fetch("/gone.txt").status == 404);
    // Swapped for a symlink that leads out of the root: the full check runs again and refuses it.
    fs::remove(root + "/swap.txt");
    fs::create_symlink("../secret.txt", root + "/swap.txt");
    const HttpResponse swapped = site.fetch("/swap.txt");
    CHECK(swapped.status == 404);
    CHECK(swapped.body.find(kSecret) == std::string::npos);
    // A deploy retargets a symlink atomically: the new release answers at once.
    fs::create_directory_symlink("v2", root + "/current.new");
    fs::rename(root + "/current.new", root + "/current");
    CHECK(site.fetch("/current/").body == "release two");

    s = site.stats();
    CHECK(s.stale == 6);
    CHECK(s.hits == 6);  // none of the changed files was answered from its old entry

    // A miss is not remembered: a file that appears is served at once. Written just now, its bytes are read
    // from disk until its version settles.
    CHECK(site.fetch("/new.txt").status == 404);
    dir.write("www/new.txt", "new file");
    CHECK(site.fetch("/new.txt").body == "new file");
    CHECK(site.fetch("/new.txt").body == "new file");
    s = site.stats();
    // Only release two's index is in memory: the edited files are as fresh as the new one.
    CHECK(s.body_bytes == 11);
    CHECK(site.server.stop());
}

TEST_CASE("conditional, Range and HEAD answers from cached entries: small, streamed from memory, from disk") {
    TempDir dir;
    const std::string digits = "0123456789abcdefghij";
    const std::string mid = pattern_bytes(300 * 1024, 5);           // kept, and sent in 64 KiB chunks
    const std::string big = pattern_bytes(2 * 1024 * 1024 + 7, 6);  // above the 1 MiB default: read from disk
    dir.write("digits.txt", digits);
    dir.write("mid.bin", mid);
    dir.write("big.bin", big);
    settle();
    CachedSite site(dir.path());

    const HttpResponse first = site.fetch("/digits.txt");
    const HttpResponse again = site.fetch("/digits.txt");
    CHECK(again.body == digits);
    for (const char* name : {"etag", "last-modified", "content-type", "content-length", "cache-control",
                             "accept-ranges"}) {
        INFO("header: ", name);
        CHECK(again.headers.count(name) == 1);
        CHECK(again.header(name) == first.header(name));  // the entry's lines are the ones computed at first
    }
    CHECK(site.fetch("/mid.bin").body == mid);
    CHECK(site.fetch("/big.bin").body == big);
    sf::CacheStats s = site.stats();
    CHECK(s.entries == 3);
    CHECK(s.body_bytes == digits.size() + mid.size());
    const std::uint64_t misses = s.misses;

    const std::string etag = first.header("etag");
    const std::string modified = first.header("last-modified");
    const HttpResponse by_tag = site.fetch("/digits.txt", "If-None-Match: " + etag + "\r\n");
    CHECK(by_tag.status == 304);
    CHECK(by_tag.body.empty());
    CHECK(by_tag.header("etag") == etag);
    CHECK(by_tag.header("accept-ranges") == "bytes");
    CHECK_FALSE(by_tag.has("content-type"));
    CHECK(site.fetch("/digits.txt", "If-Modified-Since: " + modified + "\r\n").status == 304);
    // A list on several lines is one list (RFC 9110 5.3).
    CHECK(site.fetch("/digits.txt", "If-None-Match: \"a\"\r\nIf-None-Match: " + etag + "\r\n").status == 304);
    CHECK(site.fetch("/digits.txt", "If-Match: \"a\"\r\nIf-Match: " + etag + "\r\n").status == 200);
    const HttpResponse failed = site.fetch("/digits.txt", "If-Match: \"other\"\r\n");
    CHECK(failed.status == 412);
    CHECK(failed.header("etag") == etag);
    CHECK_FALSE(failed.has("accept-ranges"));
    const HttpResponse part = site.fetch("/digits.txt", "Range: bytes=2-5\r\n");
    CHECK(part.status == 206);
    CHECK(part.body == "2345");
    CHECK(part.header("content-range") == "bytes 2-5/20");
    CHECK(part.header("content-length") == "4");
    CHECK(site.fetch("/digits.txt", "Range: bytes=0-0\r\nIf-Range: " + modified + "\r\n").body == "0");
    // The ETag is strong: If-Range with it gets the range; the same tag marked weak never matches (RFC 9110 13.1.5).
    CHECK(site.fetch("/digits.txt", "Range: bytes=0-0\r\nIf-Range: " + etag + "\r\n").body == "0");
    CHECK(site.fetch("/digits.txt", "Range: bytes=0-0\r\nIf-Range: W/" + etag + "\r\n").status == 200);
    const HttpResponse none = site.fetch("/digits.txt", "Range: bytes=20-\r\n");
    CHECK(none.status == 416);
    CHECK(none.header("content-range") == "bytes */20");
    const HttpResponse head = site.fetch("/digits.txt", "", "HEAD");
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == "20");
    CHECK(head.header("content-type") == "text/plain; charset=utf-8");

    // Ranges across the 64 KiB chunks, from memory and from disk; HEAD of a body sent in chunks.
    const HttpResponse mid_part = site.fetch("/mid.bin", "Range: bytes=65530-200001\r\n");
    CHECK(mid_part.status == 206);
    CHECK(mid_part.body == mid.substr(65530, 200001 - 65530 + 1));
    CHECK(site.fetch("/mid.bin", "Range: bytes=-70000\r\n").body == mid.substr(mid.size() - 70000));
    const HttpResponse mid_head = site.fetch("/mid.bin", "", "HEAD");
    CHECK(mid_head.header("content-length") == std::to_string(mid.size()));
    CHECK(mid_head.body.empty());
    CHECK(site.fetch("/big.bin", "Range: bytes=1000000-1999999\r\n").body == big.substr(1000000, 1000000));

    // Pipelined on one connection: every answer whole and in order.
    RawClient c(site.server.http_port());
    const std::string get_mid = "GET /mid.bin HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(c.send(get_mid + "GET /digits.txt HTTP/1.1\r\nHost: t\r\n\r\n" + get_mid));
    for (const std::string* expected : {&mid, &digits, &mid}) {
        auto r = c.read_response(10s);
        REQUIRE(r);
        CHECK(r->body == *expected);
    }
    CHECK(site.stats().misses == misses);  // nothing went back to the full lookup
    CHECK(site.server.stop());
}

TEST_CASE("a cached body to a slow reader and behind another answer: straight to the kernel, the rest paced, exact") {
    TempDir dir;
    const std::string body = pattern_bytes(1000 * 1000, 8);  // kept (under 1 MiB), larger than a socket buffer
    dir.write("one.bin", body);
    settle();
    CachedSite site(dir.path());
    REQUIRE(site.fetch("/one.bin").body == body);  // remembered, bytes included
    REQUIRE(site.stats().body_bytes == body.size());
    const std::uint64_t hits = site.stats().hits;

    // Three answers on one connection, read slowly: the first goes to the kernel straight from the entry until
    // the kernel is full, then one chunk per drain; the two behind it cannot write directly (not first in line)
    // and wait in order. Every byte must arrive, in order.
    RawClient c(site.server.http_port());
    const std::string get = "GET /one.bin HTTP/1.1\r\nHost: t\r\n";
    REQUIRE(c.send(get + "\r\n" + get + "Range: bytes=123456-876543\r\n\r\n" + get + "\r\n"));
    const std::string expected[] = {body, body.substr(123456, 876543 - 123456 + 1), body};
    for (const std::string& want : expected) {
        auto head = c.recv_until("\r\n\r\n", 5s);
        REQUIRE(head);
        CHECK((head->find("HTTP/1.1 200") == 0 || head->find("HTTP/1.1 206") == 0));
        CHECK(head->find("Content-Length: " + std::to_string(want.size()) + "\r\n") != std::string::npos);
        std::string got;
        while (got.size() < want.size()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            auto piece = c.recv_exact(std::min<std::size_t>(128 * 1024, want.size() - got.size()), 5s);
            REQUIRE(piece);
            got += *piece;
        }
        CHECK(got == want);
    }
    CHECK(site.stats().hits == hits + 3);
    CHECK(site.server.stop());
}

DUPLEX_GCC_RESTRICT_BUG_BEGIN  // "f" + std::to_string(i) below
TEST_CASE("the bounds hold: entries, bytes of all bodies, bytes of one body; zero turns each off") {
    TempDir dir;
    std::vector<std::string> contents;
    for (int i = 0; i < 8; ++i) {
        contents.push_back(pattern_bytes(3000, static_cast<unsigned>(i)));
        dir.write("f" + std::to_string(i) + ".txt", contents.back());
    }
    const std::string large = pattern_bytes(5000, 9);
    dir.write("large.txt", large);
    settle();

    CachedSite site(dir.path(), {.cache_entries = 4, .cache_bytes = 10000, .cache_file_bytes = 4000});
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 8; ++i) {
            CHECK(site.fetch("/f" + std::to_string(i) + ".txt").body == contents[static_cast<std::size_t>(i)]);
            const sf::CacheStats s = site.stats();
            CHECK(s.entries <= 4);
            CHECK(s.body_bytes <= 10000);
        }
    }
    CHECK(site.fetch("/large.txt").body == large);  // above cache_file_bytes: remembered, bytes from disk
    CHECK(site.fetch("/large.txt").body == large);
    sf::CacheStats s = site.stats();
    CHECK(s.entries == 4);          // large.txt and the three most recent files that fit in 10000 bytes
    CHECK(s.body_bytes == 9000);
    CHECK(s.hits == 1);             // only large.txt's second request: the files cycled out before their turn
    CHECK(site.server.stop());

    TempDir plain;
    plain.write("a.txt", "first");
    CachedSite no_cache(plain.path(), {.cache_entries = 0});
    CHECK(no_cache.fetch("/a.txt").body == "first");
    CHECK(no_cache.fetch("/a.txt").body == "first");
    plain.write("a.txt", "second, longer");
    CHECK(no_cache.fetch("/a.txt").body == "second, longer");
    s = no_cache.stats();
    CHECK(s.entries == 0);
    CHECK(s.hits == 0);
    CHECK(no_cache.server.stop());

    CachedSite no_bodies(dir.path(), {.cache_bytes = 0});
    CHECK(no_bodies.fetch("/f0.txt").body == contents[0]);
    CHECK(no_bodies.fetch("/f0.txt").body == contents[0]);
    s = no_bodies.stats();
    CHECK(s.entries == 1);
    CHECK(s.hits == 1);
    CHECK(s.body_bytes == 0);
    CHECK(no_bodies.server.stop());
}
DUPLEX_GCC_RESTRICT_BUG_END

TEST_CASE("headers an earlier layer set are replaced as Response::set replaces them; the others stay") {
    TempDir dir;
    dir.write("a.txt", "x");
    CachedSite site(dir.path(), {}, [](duplex::App& app) {
        app.use([](duplex::Request&, duplex::Response& res, duplex::Next next) {
            res.set("Cache-Control", "no-store").set("Content-Type", "text/x-wrong").set("X-Custom", "kept");
            res.append("ETag", "\"one\"").append("ETag", "\"two\"");
            next();
        });
    });
    for (int i = 0; i < 2; ++i) {  // the full lookup, then the cached entry
        INFO("request ", i);
        const HttpResponse r = site.fetch("/a.txt");
        CHECK(r.body == "x");
        CHECK(r.headers.count("cache-control") == 1);
        CHECK(r.header("cache-control") == "public, max-age=0");
        CHECK(r.headers.count("content-type") == 1);
        CHECK(r.header("content-type") == "text/plain; charset=utf-8");
        CHECK(r.headers.count("etag") == 1);
        CHECK(r.header("etag").starts_with("\""));  // strong: "device-inode-size-mtime"
        CHECK(r.header("etag").find("-1-") != std::string::npos);
        CHECK(r.header("x-custom") == "kept");
    }
    CHECK(site.stats().hits == 1);
    CHECK(site.server.stop());
}

}  // TEST_SUITE
