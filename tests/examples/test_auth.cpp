// examples/auth against the running binary: the bearer-token middleware on the /api sub-router (401 with
// WWW-Authenticate), the role check (403), JSON errors from the error layer, a public route outside the sub-router.
#include "examples/example_process.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace testing_support;
using nlohmann::json;

namespace {

struct Auth {
    ExampleProcess app{"auth"};
    Auth() { REQUIRE(app.port() > 0); }
    duplex::testing::TestResponse call(const std::string& method, const std::string& target,
                                       const std::string& token = "") {
        auto request = app.client().request(method, target);
        if (!token.empty()) request.header("Authorization", token);
        return request.send();
    }
};

std::string error_of(const duplex::testing::TestResponse& r) {
    CHECK(r.header("content-type") == "application/json; charset=utf-8");
    return r.json().value("error", "");
}

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("auth: no token or an unknown one is 401 with a Bearer challenge") {
    Auth auth;
    auto none = auth.call("GET", "/api/me");
    CHECK(none.status == 401);
    CHECK(none.header("www-authenticate") == R"(Bearer realm="example")");
    CHECK(error_of(none) == "a bearer token is required");

    for (const char* token : {"Bearer wrong", "Basic YWRhOnB3", "Bearer", "admin-token"}) {
        CAPTURE(token);
        auto bad = auth.call("GET", "/api/me", token);
        CHECK(bad.status == 401);
        CHECK(bad.has_header("www-authenticate"));
    }
    CHECK(auth.call("GET", "/api/me", "Bearer wrong").header("www-authenticate") ==
          R"(Bearer realm="example", error="invalid_token")");
    // The middleware guards the whole sub-router, unknown paths included; nothing outside it.
    CHECK(auth.call("GET", "/api/anything").status == 401);
    auto health = auth.call("GET", "/health");
    CHECK(health.status == 200);
    CHECK(json::parse(health.body) == json{{"ok", true}});
    CHECK_FALSE(health.has_header("www-authenticate"));
}

TEST_CASE("auth: a valid token passes; the wrong role is 403") {
    Auth auth;
    auto me = auth.call("GET", "/api/me", "Bearer reader-token");
    CHECK(me.status == 200);
    CHECK(json::parse(me.body) == json{{"user", "rob"}, {"role", "reader"}});
    CHECK(json::parse(auth.call("GET", "/api/me", "bearer admin-token").body)["user"] == "ada");

    auto denied = auth.call("POST", "/api/admin/reset", "Bearer reader-token");
    CHECK(denied.status == 403);
    CHECK_FALSE(denied.has_header("www-authenticate"));
    CHECK(error_of(denied) == "this needs the 'admin' role");

    auto done = auth.call("POST", "/api/admin/reset", "Bearer admin-token");
    CHECK(done.status == 200);
    CHECK(json::parse(done.body) == json{{"reset", true}});
    CHECK(auth.app.stop() == 0);
}

}  // TEST_SUITE
