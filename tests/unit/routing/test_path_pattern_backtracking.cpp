// PathPattern backtracking cost (found while fuzzing the router): several parameters in one segment used to try
// every way of cutting it, so "/:a-:b-:c/end" against a long run of '-' took O(n^3) steps (11 s for 800 bytes).
// The matcher now remembers the ends that already failed; these cases check it stays fast and finds the same
// captures as plain backtracking (parameters shortest first, the wildcard longest first).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/path_pattern.h"

using namespace duplex::detail;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The captures of a match, or nothing when the path does not match.
Pairs captures(std::string_view pattern_text, std::string_view path) {
    const auto pattern = PathPattern::compile(pattern_text, {.case_sensitive = true, .strict = true});
    REQUIRE(pattern);
    NameValueList params;
    Pairs out;
    if (!pattern->match(path, params).matched()) return out;
    for (const NameValue& pair : params) out.emplace_back(pair.name, pair.value);
    return out;
}

}  // namespace

TEST_SUITE("routing.path_pattern.backtracking") {
    TEST_CASE("hostile paths of 8 KiB fail fast") {
        const std::string dashes(8000, '-');
        const std::pair<std::string_view, std::string> cases[] = {
            {"/:a-:b/end", "/" + dashes + "/nope"},
            {"/:a-:b-:c/end", "/" + dashes + "/nope"},
            {"/:a-:b-:c-:d-:e/end", "/" + dashes + "/nope"},
            {"/*w/:a-:b/end", "/x/" + dashes + "/nope"},
            {"/*w-:a-:b/end", "/" + dashes + "/" + dashes},
        };
        for (const auto& hostile : cases) {  // no structured binding: clang 14 cannot capture one in CAPTURE's lambda
            CAPTURE(hostile.first);
            const auto start = std::chrono::steady_clock::now();
            CHECK(captures(hostile.first, hostile.second).empty());
            // Generous for sanitizer builds; plain backtracking needs hours here.
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        }
    }

    TEST_CASE("remembered failures never hide a match") {
        CHECK(captures("/*w/:a-:b/end", "/x/y-z/q-r-s/end") == Pairs{{"w", "x/y-z"}, {"a", "q"}, {"b", "r-s"}});
        // The wildcard shrinks, so the parameter after it is tried again from further left in a segment where it
        // already failed from further right: only the ends it has not tried yet are tried.
        CHECK(captures("/*w.:a.:b/end", "/x.y.z.t/end") == Pairs{{"w", "x.y"}, {"a", "z"}, {"b", "t"}});
        CHECK(captures("/:a-:b-:c", "/1-2-3-4") == Pairs{{"a", "1"}, {"b", "2"}, {"c", "3-4"}});
        CHECK(captures("/:a-:b/:c-:d/x", "/p-q-r/s-t/x") == Pairs{{"a", "p"}, {"b", "q-r"}, {"c", "s"}, {"d", "t"}});
        CHECK(captures("/:a-:b/:c-:d/x", "/p-q-r/s-t/y").empty());
    }
}
