// serve_static through a real server on a generated root: index.html, MIME types, validators and 304,
// Range 206/416, HEAD, dotfiles, directory redirects, Cache-Control, mounting at a prefix.
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <duplex/static_files.h>

#include <string>

using namespace testing_support;

namespace {

const std::string kIndex = "<!doctype html><title>home</title>\n";
const std::string kCss = "body { color: red }\n";
const std::string kDigits = "0123456789abcdefghij";  // 20 bytes

struct Site {
    TempDir dir;
    Site() {
        dir.write("index.html", kIndex);
        dir.write("style.css", kCss);
        dir.write("app.js", "console.log(1);\n");
        dir.write("data.json", "{}\n");
        dir.write("logo.svg", "<svg/>");
        dir.write("digits.txt", kDigits);
        dir.write("blob.unknownext", "?");
        dir.write("sub/index.html", "sub index\n");
        dir.write("noindex/file.txt", "f");
        dir.write(".secret", "hidden");
        dir.write(".hidden/file.txt", "hidden too");
        dir.write("empty.txt", "");
    }
};

HttpResponse fetch(int port, const std::string& target, const std::string& extra = "", const char* method = "GET") {
    bool head = std::string(method) == "HEAD";
    auto r = http_request(port, std::string(method) + " " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n", head);
    REQUIRE(r);
    return *r;
}

}  // namespace

TEST_SUITE("static_files") {

TEST_CASE("index.html for the root and for directories, with exact MIME types") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(site.dir.path())); });
    int port = server.http_port();
    auto root = fetch(port, "/");
    CHECK(root.status == 200);
    CHECK(root.header("content-type") == "text/html; charset=utf-8");
    CHECK(root.body == kIndex);
    CHECK(fetch(port, "/sub/").body == "sub index\n");
    CHECK(fetch(port, "/style.css").header("content-type") == "text/css; charset=utf-8");
    CHECK(fetch(port, "/app.js").header("content-type") == "text/javascript; charset=utf-8");
    CHECK(fetch(port, "/data.json").header("content-type") == "application/json; charset=utf-8");
    CHECK(fetch(port, "/logo.svg").header("content-type") == "image/svg+xml");
    CHECK(fetch(port, "/blob.unknownext").header("content-type") == "application/octet-stream");
    auto empty = fetch(port, "/empty.txt");
    CHECK(empty.status == 200);
    CHECK(empty.header("content-length") == "0");
    CHECK(fetch(port, "/missing.txt").status == 404);
    CHECK(fetch(port, "/noindex/").status == 404);
    CHECK(server.stop());
}

TEST_CASE("a directory without its slash redirects with 301, keeping the query") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(site.dir.path())); });
    auto r = fetch(server.http_port(), "/sub");
    CHECK(r.status == 301);
    CHECK(r.header("location") == "/sub/");
    auto q = fetch(server.http_port(), "/sub?x=1");
    CHECK(q.status == 301);
    CHECK(q.header("location") == "/sub/?x=1");
    CHECK(fetch(server.http_port(), "/style.css/").status == 404);  // a file is never a directory
    // Never a Location naming another host ("//host/..." is protocol-relative; browsers read "\" as "/").
    for (const char* target : {"//evil.com/..", "///evil.com/..", "/\\evil.com/..", "//evil.com/%2e%2e",
                               "/\\/evil.com/.."}) {
        INFO("target: ", target);
        auto open = fetch(server.http_port(), target);
        if (open.status != 301) continue;
        const std::string location = open.header("location");
        CHECK(location.starts_with("/"));
        CHECK_FALSE(location.starts_with("//"));
        CHECK_FALSE(location.starts_with("/\\"));
    }
    CHECK(fetch(server.http_port(), "//evil.com/..").header("location") == "/evil.com/../");
    CHECK(server.stop());
}

TEST_CASE("ETag and Last-Modified; 304 on If-None-Match and If-Modified-Since") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(site.dir.path())); });
    int port = server.http_port();
    auto first = fetch(port, "/style.css");
    std::string etag = first.header("etag");
    std::string modified = first.header("last-modified");
    REQUIRE_FALSE(etag.empty());
    REQUIRE(modified.size() == 29);
    CHECK(first.header("cache-control") == "public, max-age=0");

    auto by_tag = fetch(port, "/style.css", "If-None-Match: " + etag + "\r\n");
    CHECK(by_tag.status == 304);
    CHECK(by_tag.body.empty());
    CHECK(by_tag.header("etag") == etag);
    CHECK_FALSE(by_tag.has("content-length"));
    CHECK(fetch(port, "/style.css", "If-None-Match: \"other\", " + etag + "\r\n").status == 304);
    // If-None-Match compares weakly (RFC 9110 13.1.2): the tag's other spelling matches too.
    std::string other_spelling = etag.starts_with("W/") ? etag.substr(2) : "W/" + etag;
    CHECK(fetch(port, "/style.css", "If-None-Match: " + other_spelling + "\r\n").status == 304);
    CHECK(fetch(port, "/style.css", "If-None-Match: *\r\n").status == 304);
    CHECK(fetch(port, "/style.css", "If-None-Match: \"other\"\r\n").status == 200);

    CHECK(fetch(port, "/style.css", "If-Modified-Since: " + modified + "\r\n").status == 304);
    CHECK(fetch(port, "/style.css", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n").status == 200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    CHECK(fetch(port, "/style.css", "If-None-Match: \"other\"\r\nIf-Modified-Since: " + modified + "\r\n").status == 200);
    CHECK(server.stop());
}

TEST_CASE("Range: 206 with Content-Range, suffix and open ranges, 416 when unsatisfiable, If-Range") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(site.dir.path())); });
    int port = server.http_port();
    auto part = fetch(port, "/digits.txt", "Range: bytes=2-5\r\n");
    CHECK(part.status == 206);
    CHECK(part.header("content-range") == "bytes 2-5/20");
    CHECK(part.header("content-length") == "4");
    CHECK(part.body == "2345");
    CHECK(fetch(port, "/digits.txt", "Range: bytes=-3\r\n").body == "hij");
    CHECK(fetch(port, "/digits.txt", "Range: bytes=15-\r\n").body == "fghij");
    CHECK(fetch(port, "/digits.txt", "Range: bytes=18-99\r\n").body == "ij");  // clipped to the end
    auto none = fetch(port, "/digits.txt", "Range: bytes=20-\r\n");
    CHECK(none.status == 416);
    CHECK(none.header("content-range") == "bytes */20");
    CHECK(fetch(port, "/digits.txt", "Range: items=0-1\r\n").status == 200);  // unknown unit: ignored
    CHECK(fetch(port, "/digits.txt").header("accept-ranges") == "bytes");

    const HttpResponse full = fetch(port, "/digits.txt");
    const std::string etag = full.header("etag"), last_modified = full.header("last-modified");
    CHECK(fetch(port, "/digits.txt", "Range: bytes=0-0\r\nIf-Range: " + last_modified + "\r\n").status == 206);
    // Our entity-tags are strong (the file's identity), so a client resuming with the tag it was given gets the
    // range (RFC 9110 13.1.5); the same tag marked weak never matches: the whole file.
    REQUIRE(etag.starts_with("\""));
    auto resumed = fetch(port, "/digits.txt", "Range: bytes=7-\r\nIf-Range: " + etag + "\r\n");
    CHECK(resumed.status == 206);
    CHECK(resumed.header("content-range") == "bytes 7-19/20");
    CHECK(resumed.body == kDigits.substr(7));
    auto weak = fetch(port, "/digits.txt", "Range: bytes=0-0\r\nIf-Range: W/" + etag + "\r\n");
    CHECK(weak.status == 200);
    CHECK(weak.body == kDigits);
    auto stale = fetch(port, "/digits.txt", "Range: bytes=0-0\r\nIf-Range: \"stale\"\r\n");
    CHECK(stale.status == 200);
    CHECK(stale.body == kDigits);
    CHECK(server.stop());
}

TEST_CASE("HEAD has the GET headers and no body; Range is ignored on HEAD (RFC 9110 14.2: GET only)") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(site.dir.path())); });
    int port = server.http_port();
    auto get = fetch(port, "/digits.txt");
    RawClient c(port);
    REQUIRE(c.send("HEAD /digits.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                   "HEAD /digits.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\n\r\n"
                   "GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto head = c.read_response(5s, true);
    auto head_range = c.read_response(5s, true);
    auto after = c.read_response();
    REQUIRE(head);
    REQUIRE(head_range);
    REQUIRE(after);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == "20");
    CHECK(head->header("etag") == get.header("etag"));
    CHECK(head->header("content-type") == get.header("content-type"));
    CHECK(head_range->status == 200);
    CHECK(head_range->header("content-length") == "20");
    CHECK(after->body == kCss);  // nothing stray between the HEAD answers and this one
    CHECK(server.stop());
}

TEST_CASE("dotfiles: hidden by default, 403 with Deny, served with Allow") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.use("/deny", duplex::serve_static(site.dir.path(), {.dotfiles = duplex::Dotfiles::Deny, .fallthrough = false}));
        app.use("/allow", duplex::serve_static(site.dir.path(), {.dotfiles = duplex::Dotfiles::Allow}));
        app.use(duplex::serve_static(site.dir.path()));
    });
    int port = server.http_port();
    CHECK(fetch(port, "/.secret").status == 404);
    CHECK(fetch(port, "/.hidden/file.txt").status == 404);
    CHECK(fetch(port, "/deny/.secret").status == 403);
    CHECK(fetch(port, "/deny/.hidden/file.txt").status == 403);
    CHECK(fetch(port, "/deny/nothing.txt").status == 404);
    CHECK(fetch(port, "/allow/.secret").body == "hidden");
    CHECK(server.stop());
}

TEST_CASE("mounted at a prefix, with max_age; other methods and misses fall through to later routes") {
    Site site;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.use("/assets", duplex::serve_static(site.dir.path(), {.max_age = std::chrono::seconds(60)}));
        app.post("/assets/style.css", [](duplex::Request&, duplex::Response& res) { res.send("posted"); });
        app.get("/assets/fallback", [](duplex::Request&, duplex::Response& res) { res.send("route after static"); });
    });
    int port = server.http_port();
    auto css = fetch(port, "/assets/style.css");
    CHECK(css.body == kCss);
    CHECK(css.header("cache-control") == "public, max-age=60");
    CHECK(fetch(port, "/style.css").status == 404);
    CHECK(fetch(port, "/assets/fallback").body == "route after static");
    auto post = http_request(port, "POST /assets/style.css HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    REQUIRE(post);
    CHECK(post->body == "posted");
    CHECK(server.stop());
}

}  // TEST_SUITE
