// resolve_path and NUL bytes (found by tests/fuzz/fuzz_static_resolve): a raw NUL is refused like "%00", since
// open() would stop at it and serve another file than the one the path names.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "duplex/static_files.h"
#include "static/resolve_path.h"

using namespace duplex::detail::static_files;

TEST_SUITE("static.resolve_path.nul") {
    TEST_CASE("raw and escaped NUL bytes are a 400 under every dotfiles policy") {
        for (const Dotfiles dotfiles : {Dotfiles::Ignore, Dotfiles::Deny, Dotfiles::Allow}) {
            for (const std::string_view raw : {std::string_view("/secret.txt\0.png", 16), std::string_view("\0", 1),
                                               std::string_view("/a%00b"), std::string_view("/dir/\0/x", 8)}) {
                std::string out;
                CHECK(resolve_path("/srv/www", raw, dotfiles, out).status == ResolveStatus::BadRequest);
            }
        }
    }

    TEST_CASE("a path without NUL still resolves") {
        std::string out;
        CHECK(resolve_path("/srv/www", "/a%20b/c.txt", Dotfiles::Ignore, out).status == ResolveStatus::Ok);
        CHECK(out == "/srv/www/a b/c.txt");
    }
}
