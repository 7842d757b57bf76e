// PathPattern::compile and PathPattern::match (http/path_pattern.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "http/path_pattern.h"

using namespace duplex::detail;
using namespace std::string_literals;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

PathPattern compile_ok(std::string_view text, PathPatternOptions options = {}) {
    PatternError error;
    auto pattern = PathPattern::compile(text, options, &error);
    INFO("pattern: ", std::string(text), " error: ", std::string(error.reason));
    REQUIRE(pattern);
    return std::move(*pattern);
}

Pairs pairs_of(const NameValueList& list) {
    Pairs out;
    for (const NameValue& pair : list) out.emplace_back(pair.name, pair.value);
    return out;
}

// Matches and returns the params, or nothing when the status is not Match.
std::optional<Pairs> params_for(const PathPattern& pattern, std::string_view path) {
    NameValueList params;
    const MatchResult result = pattern.match(path, params);
    if (!result.matched()) return std::nullopt;
    return pairs_of(params);
}

bool matches(std::string_view pattern, std::string_view path, PathPatternOptions options = {}) {
    NameValueList params;
    return compile_ok(pattern, options).match(path, params).matched();
}

}  // namespace

TEST_SUITE("path_pattern") {

TEST_CASE("literal patterns") {
    CHECK(matches("/", "/"));
    CHECK_FALSE(matches("/", "/a"));
    CHECK(matches("/api/users", "/api/users"));
    CHECK_FALSE(matches("/api/users", "/api/user"));
    CHECK_FALSE(matches("/api/users", "/api/usersx"));
    CHECK_FALSE(matches("/api/users", "/api/users/1"));
    CHECK_FALSE(matches("/api/users", "/api"));
    CHECK_FALSE(matches("/api/users", ""));
}

TEST_CASE("named parameters are segment-bounded and decoded") {
    const PathPattern p = compile_ok("/api/hello/:name");
    CHECK(params_for(p, "/api/hello/bob") == Pairs{{"name", "bob"}});
    CHECK(params_for(p, "/api/hello/J%C3%BCrgen%20X") == Pairs{{"name", "J\xC3\xBCrgen X"}});
    CHECK(params_for(p, "/api/hello/a+b") == Pairs{{"name", "a+b"}});  // '+' is not a space in paths
    CHECK(params_for(p, "/api/hello/a%2Fb") == Pairs{{"name", "a/b"}});
    CHECK(params_for(p, "/api/hello/%00") == Pairs{{"name", "\0"s}});
    CHECK(params_for(p, "/api/hello/bob/") == Pairs{{"name", "bob"}});
    CHECK_FALSE(params_for(p, "/api/hello/"));
    CHECK_FALSE(params_for(p, "/api/hello"));
    CHECK_FALSE(params_for(p, "/api/hello/a/b"));
}

TEST_CASE("every prefix of a path") {
    const PathPattern p = compile_ok("/api/hello/:name");
    const std::string_view path = "/api/hello/bob";
    for (std::size_t n = 0; n <= path.size(); ++n) {
        CAPTURE(path.substr(0, n));
        const auto params = params_for(p, path.substr(0, n));
        if (n <= 11) {  // up to "/api/hello/": the parameter would be empty
            CHECK_FALSE(params);
        } else {
            CHECK(params == Pairs{{"name", std::string(path.substr(11, n - 11))}});
        }
    }
}

TEST_CASE("several parameters, in order, with literals inside segments") {
    const PathPattern p = compile_ok("/users/:user_id/books/:bookId");
    CHECK(params_for(p, "/users/34/books/8989") == Pairs{{"user_id", "34"}, {"bookId", "8989"}});

    const PathPattern range = compile_ok("/flights/:from-:to");
    CHECK(params_for(range, "/flights/LAX-SFO") == Pairs{{"from", "LAX"}, {"to", "SFO"}});
    // Shortest first for the earlier parameter, as Express's [^/]+? does.
    CHECK(params_for(range, "/flights/a-b-c") == Pairs{{"from", "a"}, {"to", "b-c"}});
    CHECK_FALSE(params_for(range, "/flights/LAX"));
    CHECK_FALSE(params_for(range, "/flights/-SFO"));

    const PathPattern ext = compile_ok("/files/:name.json");
    CHECK(params_for(ext, "/files/a.json") == Pairs{{"name", "a"}});
    CHECK(params_for(ext, "/files/a.json.json") == Pairs{{"name", "a.json"}});  // backtracks past the first ".json"
    CHECK_FALSE(params_for(ext, "/files/.json"));
    // The literal compares against the decoded path: "%2E" is '.'.
    CHECK(params_for(ext, "/files/a%2Ejson") == Pairs{{"name", "a"}});
}

TEST_CASE("a malformed escape inside a parameter is a bad request, not a mismatch") {
    const PathPattern p = compile_ok("/api/hello/:name");
    NameValueList params;
    params.append().name = "stale";
    MatchResult r = p.match("/api/hello/%zz", params);
    CHECK(r.status == MatchStatus::BadRequest);
    CHECK_FALSE(r.matched());
    CHECK(params.empty());
    CHECK(p.match("/api/hello/abc%", params).status == MatchStatus::BadRequest);
    CHECK(p.match("/api/hello/%4", params).status == MatchStatus::BadRequest);
    // A path of another shape is simply no match, bad escape or not.
    CHECK(p.match("/api/bye/%zz", params).status == MatchStatus::NoMatch);
    // Literal parts compare a stray '%' as itself.
    CHECK(compile_ok("/100%25").match("/100%", params).matched());
    CHECK(compile_ok("/100%25").match("/100%25", params).matched());
}

TEST_CASE("literal comparison decodes the path's escapes, but %2F never stands for '/'") {
    CHECK(matches("/caf%C3%A9", "/caf\xC3\xA9"));
    CHECK(matches("/caf\xC3\xA9", "/caf%C3%A9"));
    CHECK(matches("/hello world", "/hello%20world"));
    CHECK(matches("/a/b", "/%61/b"));
    CHECK_FALSE(matches("/a/b", "/a%2Fb"));
    CHECK_FALSE(matches("/a/b", "/a%2fb"));
}

TEST_CASE("named and bare wildcards") {
    const PathPattern named = compile_ok("/files/*path");
    CHECK(params_for(named, "/files/a/b/c.txt") == Pairs{{"path", "a/b/c.txt"}});
    CHECK(params_for(named, "/files/x%20y/z") == Pairs{{"path", "x y/z"}});
    CHECK_FALSE(params_for(named, "/files/"));  // a wildcard needs at least one byte
    CHECK_FALSE(params_for(named, "/files"));

    const PathPattern bare = compile_ok("/static/*");
    CHECK(params_for(bare, "/static/js/app.js") == Pairs{{"*", "js/app.js"}});

    const PathPattern everything = compile_ok("*");
    CHECK(params_for(everything, "/") == Pairs{{"*", "/"}});
    CHECK(params_for(everything, "/any/thing") == Pairs{{"*", "/any/thing"}});

    const PathPattern middle = compile_ok("/docs/*rest/edit");
    CHECK(params_for(middle, "/docs/a/b/edit") == Pairs{{"rest", "a/b"}});
    CHECK(params_for(middle, "/docs/a/edit/edit") == Pairs{{"rest", "a/edit"}});  // longest first
    CHECK_FALSE(params_for(middle, "/docs/edit"));

    const PathPattern both = compile_ok("/u/:id/*rest");
    CHECK(params_for(both, "/u/7/a/b") == Pairs{{"id", "7"}, {"rest", "a/b"}});

    NameValueList params;
    CHECK(named.match("/files/a/%G0", params).status == MatchStatus::BadRequest);
}

TEST_CASE("trailing slash: optional unless strict") {
    CHECK(matches("/a", "/a/"));
    CHECK(matches("/a/", "/a"));
    CHECK(matches("/a/", "/a/"));
    CHECK_FALSE(matches("/a", "/a//"));

    const PathPatternOptions strict{.strict = true};
    CHECK(matches("/a", "/a", strict));
    CHECK_FALSE(matches("/a", "/a/", strict));
    CHECK_FALSE(matches("/a/", "/a", strict));
    CHECK(matches("/a/", "/a/", strict));
    CHECK(matches("/", "/", strict));
}

TEST_CASE("case sensitivity") {
    CHECK(matches("/About/Us", "/about/US"));
    CHECK(matches("/about", "/%41BOUT"));
    const PathPatternOptions sensitive{.case_sensitive = true};
    CHECK_FALSE(matches("/About", "/about", sensitive));
    CHECK(matches("/About", "/About", sensitive));
    // Parameter values keep their case either way.
    CHECK(params_for(compile_ok("/U/:Name"), "/u/MiXeD") == Pairs{{"Name", "MiXeD"}});
}

TEST_CASE("prefix patterns for mounts report the consumed length at a segment boundary") {
    const PathPattern api = compile_ok("/api", {.end = false});
    NameValueList params;
    struct Case {
        std::string_view path;
        bool matched;
        std::size_t consumed;
    };
    for (const Case& c : {Case{"/api", true, 4}, Case{"/api/", true, 4}, Case{"/api/x", true, 4},
                          Case{"/api/x/y", true, 4}, Case{"/apix", false, 0}, Case{"/ap", false, 0},
                          Case{"/API/users", true, 4}, Case{"/other/api", false, 0}}) {
        CAPTURE(c.path);
        const MatchResult r = api.match(c.path, params);
        CHECK(r.matched() == c.matched);
        if (c.matched) CHECK(r.consumed == c.consumed);
    }

    const PathPattern root = compile_ok("/", {.end = false});
    CHECK(root.match("/", params).consumed == 0);
    CHECK(root.match("/anything/at/all", params).matched());
    CHECK(root.match("/anything/at/all", params).consumed == 0);

    const PathPattern with_param = compile_ok("/users/:id", {.end = false});
    MatchResult r = with_param.match("/users/42/posts", params);
    REQUIRE(r.matched());
    CHECK(r.consumed == 9);
    CHECK(pairs_of(params) == Pairs{{"id", "42"}});

    const PathPattern strict_slash = compile_ok("/api/", {.strict = true, .end = false});
    r = strict_slash.match("/api/x", params);
    REQUIRE(r.matched());
    CHECK(r.consumed == 4);  // the rest, "/x", still starts with '/'
    CHECK_FALSE(strict_slash.match("/api", params).matched());

    const PathPattern encoded = compile_ok("/caf\xC3\xA9", {.end = false});
    r = encoded.match("/caf%C3%A9/menu", params);
    REQUIRE(r.matched());
    CHECK(r.consumed == 10);  // raw bytes, not decoded ones
}

TEST_CASE("end patterns consume the whole path") {
    NameValueList params;
    CHECK(compile_ok("/a").match("/a/", params).consumed == 3);
    CHECK(compile_ok("/a/:b").match("/a/xyz", params).consumed == 6);
}

TEST_CASE("params container: cleared on every match, reused") {
    const PathPattern p = compile_ok("/:a/:b");
    NameValueList params;
    REQUIRE(p.match("/one/two", params).matched());
    CHECK(pairs_of(params) == Pairs{{"a", "one"}, {"b", "two"}});
    CHECK_FALSE(p.match("/only", params).matched());
    CHECK(params.empty());
    REQUIRE(compile_ok("/static").match("/static", params).matched());
    CHECK(params.empty());
    REQUIRE(p.match("/x/y", params).matched());
    CHECK(params.find("b") == "y");
}

TEST_CASE("escapes in patterns") {
    CHECK(matches("/a\\:b", "/a:b"));
    CHECK(matches("/star\\*", "/star*"));
    CHECK(matches("/q\\?", "/q%3F"));
    CHECK(matches("/q\\+", "/q+"));
}

TEST_CASE("invalid patterns are refused with a position") {
    struct Case {
        std::string_view pattern;
        std::size_t offset;
    };
    for (const Case& c : {Case{"", 0}, Case{"api", 0}, Case{"/a/:", 3}, Case{"/a/:/b", 3}, Case{"/:a:b", 3},
                          Case{"/:a*b", 3}, Case{"/*a/*b", 4}, Case{"/a(b)", 2}, Case{"/a?", 2}, Case{"/a+", 2},
                          Case{"/{a}", 1}, Case{"/[x]", 1}, Case{"/a!", 2}, Case{"/a%2", 2}, Case{"/a%zz", 2},
                          Case{"/a\\", 2}, Case{"**", 0}}) {
        CAPTURE(c.pattern);
        PatternError error;
        CHECK_FALSE(PathPattern::compile(c.pattern, {}, &error));
        CHECK(error.offset == c.offset);
        CHECK_FALSE(error.reason.empty());
    }
    CHECK(PathPattern::compile("/:a" + std::string(40, 'x')));  // names have no length limit

    std::string many;
    for (std::size_t i = 0; i <= PathPattern::kMaxParams; ++i) many += "/:p" + std::to_string(i);
    PatternError error;
    CHECK_FALSE(PathPattern::compile(many, {}, &error));
    CHECK(std::string(error.reason) == "too many parameters");
}

TEST_CASE("may_match: refuses what the leading literal rules out, never what match() takes") {
    const char* patterns[] = {"/api/hello/:name", "/api", "/", "*", "/metrics.json", "/x", "/caf%C3%A9", "/:id",
                              "/API/Long/Literal", "/a/", "/files/*rest", "/abcdefghij/k"};
    const char* paths[] = {"/", "/api", "/api/", "/API/hello/x", "/api/hello/%41", "/%61pi", "/metrics", "/metrics.json",
                           "/x", "/X", "/xy", "/caf%c3%a9", "/café", "/api/long/literal/more", "/a", "/a/",
                           "/files/a/b", "/abcdefghij/k", "/abcdefgh", "/abcdefghiJ/K", "", "/%2F"};
    NameValueList params;
    for (const bool case_sensitive : {false, true}) {
        for (const bool end : {true, false}) {
            for (const char* text : patterns) {
                const PathPattern p = compile_ok(text, {case_sensitive, false, end});
                for (const char* path : paths) {
                    CAPTURE(text);
                    CAPTURE(path);
                    CAPTURE(case_sensitive);
                    const MatchResult m = p.match(path, params);
                    const bool may = p.may_match(PathHead::of(path, case_sensitive));
                    if (m.status != MatchStatus::NoMatch) CHECK(may);
                }
            }
        }
    }
    // PathHead's eight-bytes-at-once path agrees with the plain byte loop, high bytes included.
    for (const std::string& path : {"/ABCDEFGHIJ"s, "/aZ\xDA\xC1@[`{xyz"s, "/abc%41bcdef"s, "%2Fabcdefgh"s, "/1234567"s,
                                   "/abcdefg%"s, "/MiXeD/CaSe/x"s}) {
        for (const bool case_sensitive : {false, true}) {
            CAPTURE(path);
            std::uint64_t bytes = 0;
            std::size_t i = 0;
            for (; i < 8 && i < path.size() && path[i] != '%'; ++i) {
                const char c = case_sensitive ? path[i] : static_cast<char>(path[i] | PathHead::kFold);
                bytes |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * i);
            }
            const PathHead head = PathHead::of(path, case_sensitive);
            CHECK(head.bytes == bytes);
            CHECK(head.mask == (i == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * i)) - 1));
            CHECK(head.whole == (i == path.size()));
        }
    }
    // The skips the router counts on: another first segment, or a path shorter than the literal.
    const PathPattern hello = compile_ok("/api/hello/:name");
    CHECK_FALSE(hello.may_match(PathHead::of("/", false)));
    CHECK_FALSE(hello.may_match(PathHead::of("/index.html", false)));
    CHECK_FALSE(hello.may_match(PathHead::of("/api", false)));
    CHECK(hello.may_match(PathHead::of("/API/hello/x", false)));
    CHECK(hello.may_match(PathHead::of("/%61pi/hello/x", false)));  // an escape: match() decides
    CHECK_FALSE(compile_ok("/api", {true, false, true}).may_match(PathHead::of("/API", true)));
    CHECK(compile_ok("/").may_match(PathHead::of("/anything", false)));
    CHECK(compile_ok("*").may_match(PathHead::of("/anything", false)));
}

}  // TEST_SUITE
