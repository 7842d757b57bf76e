// resolve_path (static/resolve_path.h): decoding, traversal, normalisation and dotfiles, without a file system.
#include <doctest/doctest.h>

#include <string>

#include "duplex/static_files.h"
#include "static/resolve_path.h"

using namespace duplex::detail::static_files;

namespace {

struct Outcome {
    ResolveStatus status;
    std::string path;
    bool wants_directory;
};

Outcome resolve(std::string_view raw, Dotfiles dotfiles = Dotfiles::Ignore, std::string_view root = "/srv/www") {
    std::string out = "garbage from a previous request";
    const Resolved r = resolve_path(root, raw, dotfiles, out);
    return {r.status, r.status == ResolveStatus::Ok ? out : std::string(), r.wants_directory};
}

void check_ok(std::string_view raw, std::string_view expected, bool wants_directory = false) {
    CAPTURE(raw);
    const Outcome o = resolve(raw);
    CHECK(o.status == ResolveStatus::Ok);
    CHECK(o.path == expected);
    CHECK(o.wants_directory == wants_directory);
}

void check_status(std::string_view raw, ResolveStatus expected, Dotfiles dotfiles = Dotfiles::Ignore) {
    CAPTURE(raw);
    CHECK(resolve(raw, dotfiles).status == expected);
}

}  // namespace

TEST_SUITE("static") {

TEST_CASE("resolve_path: ordinary paths") {
    check_ok("/index.html", "/srv/www/index.html");
    check_ok("/css/site.css", "/srv/www/css/site.css");
    check_ok("/", "/srv/www", true);
    check_ok("", "/srv/www", false);  // the mount point itself, without its slash
    check_ok("/docs/", "/srv/www/docs", true);
    check_ok("/my%20file.txt", "/srv/www/my file.txt");
    check_ok("/caf%C3%A9.html", "/srv/www/caf\xC3\xA9.html");
    check_ok("/a+b", "/srv/www/a+b");
    check_ok("/docs%2F", "/srv/www/docs", true);  // decoded before the trailing-slash test, like 'send'
    check_ok("/docs/.", "/srv/www/docs", false);
}

TEST_CASE("resolve_path: '.', '//' and inner '..' are normalised") {
    check_ok("/a//b/./c", "/srv/www/a/b/c");
    check_ok("//a", "/srv/www/a");
    check_ok("/a/../b", "/srv/www/b");
    check_ok("/a/b/../../c", "/srv/www/c");
    check_ok("/a/b/../..", "/srv/www");
    check_ok("/a/%2e%2e/x", "/srv/www/x");
    check_ok("/./a/./", "/srv/www/a", true);
    check_ok("a/b", "/srv/www/a/b");  // a remainder without its leading slash still lands under the root
}

TEST_CASE("resolve_path: climbing out of the root is forbidden") {
    for (const char* raw : {"/..", "/../", "/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/", "/.%2e/x",
                            "/a/%2e%2e/%2e%2e/x", "/..%2fetc/passwd", "/a/..%2F..%2Fetc", "/a/b/../../..",
                            "//../x", "/./../x", "/../.env"}) {
        check_status(raw, ResolveStatus::Forbidden);
        check_status(raw, ResolveStatus::Forbidden, Dotfiles::Allow);
    }
}

TEST_CASE("resolve_path: NUL bytes and bad escapes are bad requests") {
    for (const char* raw : {"/%00", "/a%00.html", "/a.html%00.txt", "/%zz", "/a%2", "/%", "/%%41"}) {
        check_status(raw, ResolveStatus::BadRequest);
    }
}

TEST_CASE("resolve_path: backslashes are ordinary bytes on POSIX") {
    check_ok("/a\\..\\..\\b", "/srv/www/a\\..\\..\\b");
    // "..\etc" is one segment: a dotfile name rather than a climb.
    CHECK(resolve("/..\\etc\\passwd", Dotfiles::Allow).path == "/srv/www/..\\etc\\passwd");
    check_status("/..\\etc\\passwd", ResolveStatus::NotFound);
    check_ok("/a%5C..%5C..%5Cb", "/srv/www/a\\..\\..\\b");
}

TEST_CASE("resolve_path: dotfiles policy") {
    for (const char* raw : {"/.env", "/.git/config", "/a/.hidden/b.txt", "/./.env", "/a/%2Eenv", "/..."}) {
        check_status(raw, ResolveStatus::NotFound, Dotfiles::Ignore);
        check_status(raw, ResolveStatus::Forbidden, Dotfiles::Deny);
        check_status(raw, ResolveStatus::Ok, Dotfiles::Allow);
    }
    CHECK(resolve("/.well-known/x", Dotfiles::Allow).path == "/srv/www/.well-known/x");
    // A dot inside a name is not a dotfile.
    check_ok("/a.b/c.d", "/srv/www/a.b/c.d");
}

TEST_CASE("resolve_path: root spellings") {
    CHECK(resolve("/x", Dotfiles::Ignore, "/srv/www/").path == "/srv/www/x");
    CHECK(resolve("/x", Dotfiles::Ignore, "/srv/www//").path == "/srv/www/x");
    CHECK(resolve("/x/y", Dotfiles::Ignore, "static").path == "static/x/y");
    CHECK(resolve("/x", Dotfiles::Ignore, "/").path == "/x");
    CHECK(resolve("/", Dotfiles::Ignore, "/").path == "/");
    CHECK(resolve("/..", Dotfiles::Ignore, "/").status == ResolveStatus::Forbidden);
    CHECK(resolve("/etc/passwd", Dotfiles::Ignore, "").path == "./etc/passwd");  // an empty root is the cwd
}

}  // TEST_SUITE
