// serve_static never serves a byte from outside its root: raw traversal attempts (../, encoded dots and
// slashes, NUL, backslashes, doubled slashes) and symlinks pointing outside. The root is <tmp>/www and the
// secret lives next to it in <tmp>/secret.txt.
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <duplex/static_files.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace testing_support;

namespace {

const std::string kSecret = "TOP-SECRET-OUTSIDE-ROOT";

struct Tree {
    TempDir dir;
    std::string root;
    Tree() {
        dir.write("secret.txt", kSecret);
        dir.write("secret-dir/inner.txt", kSecret);
        dir.write("www/index.html", "inside\n");
        dir.write("www/sub/page.txt", "page\n");
        dir.write("www/inside-target.txt", "linked inside\n");
        root = dir.path() + "/www";
        namespace fs = std::filesystem;
        fs::create_symlink(dir.path() + "/secret.txt", root + "/link-out.txt");
        fs::create_symlink(dir.path() + "/secret-dir", root + "/link-out-dir");
        fs::create_symlink("../secret.txt", root + "/sub/relative-out.txt");
        fs::create_symlink("inside-target.txt", root + "/link-in.txt");
    }
};

// Traversal shapes: none may reach the secret, whatever the decoding and normalisation order. Each with the
// status serve_static answers without fallthrough, and why (resolve_path.h, locate_file.h):
//   400  the path does not decode to a usable name: a NUL, escaped or not (open() would stop at it)
//   403  after decoding and normalisation a ".." would climb above the root (the request names the outside)
//   404  the name stays inside the root but no file answers it: a literal "%2e" segment, a dotfile (hidden
//        under the default Dotfiles::Ignore), or a symlink whose target is outside (not revealed as such)
struct Attack {
    std::string target;
    int status;
};
const std::vector<Attack> kAttacks = {
    {"/../secret.txt", 403},
    {"/sub/../../secret.txt", 403},
    {"/%2e%2e/secret.txt", 403},
    {"/%2E%2E/secret.txt", 403},
    {"/.%2e/secret.txt", 403},
    {"/..%2fsecret.txt", 403},                  // an encoded slash is a separator once decoded
    {"/%2e%2e%2fsecret.txt", 403},
    {"/sub/..%2f..%2fsecret.txt", 403},
    {"/sub/%2e%2e%2f%2e%2e%2fsecret.txt", 403},
    {"/%252e%252e/secret.txt", 404},            // double encoding stays literal: a segment named "%2e%2e"
    {"/..%5csecret.txt", 404},                  // a backslash is an ordinary byte: the dotfile "..\secret.txt"
    {"/..\\secret.txt", 404},
    {"//../secret.txt", 403},                   // the empty segment is dropped, then ".." climbs
    {"/%2f%2e%2e%2fsecret.txt", 403},
    {"/index.html%00", 400},
    {"/%00../secret.txt", 400},
    {"/sub/page.txt%00.html", 400},
    {"/link-out.txt", 404},
    {"/link-out-dir/inner.txt", 404},
    {"/link-out-dir/", 404},
    {"/sub/relative-out.txt", 404},
    {"/%2e%2e", 403},
    {"/..", 403},
};

}  // namespace

TEST_SUITE("static_safety") {

TEST_CASE("traversal attempts and outward symlinks never serve the secret (fallthrough: 404)") {
    Tree t;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(t.root)); });
    for (const Attack& attack : kAttacks) {
        INFO("target: ", attack.target);
        auto r = http_request(server.http_port(), "GET " + attack.target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(r);
        CHECK(r->body.find(kSecret) == std::string::npos);
        CHECK(r->status == 404);  // every refusal falls through to the next layer: here the final 404
    }
    CHECK(server.stop());
}

TEST_CASE("without fallthrough the refusals keep their own status, never 200") {
    Tree t;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.use(duplex::serve_static(t.root, {.fallthrough = false}));
    });
    for (const Attack& attack : kAttacks) {
        INFO("target: ", attack.target);
        auto r = http_request(server.http_port(), "GET " + attack.target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(r);
        CHECK(r->body.find(kSecret) == std::string::npos);
        CHECK(r->status == attack.status);
    }
    auto nul = http_request(server.http_port(), "GET /index.html%00 HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(nul);
    CHECK(nul->status == 400);
    auto up = http_request(server.http_port(), "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(up);
    CHECK(up->status == 403);
    CHECK(server.stop());
}

TEST_CASE("paths that stay inside the root after normalisation, and inward symlinks, are served") {
    Tree t;
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(t.root)); });
    auto fetch = [&](const std::string& target) {
        auto r = http_request(server.http_port(), "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(r);
        return *r;
    };
    CHECK(fetch("/sub/../index.html").body == "inside\n");
    CHECK(fetch("/sub/%2e%2e/index.html").body == "inside\n");
    CHECK(fetch("/./sub/./page.txt").body == "page\n");
    CHECK(fetch("/sub//page.txt").body == "page\n");
    CHECK(fetch("/%73ub/page.txt").body == "page\n");  // %73 is 's'
    CHECK(fetch("/link-in.txt").body == "linked inside\n");
    CHECK(server.stop());
}

}  // TEST_SUITE
