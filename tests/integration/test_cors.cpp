// duplex::cors on the wire: what each kind of request gets (the browser test, tests/browser/cors_browser_test.mjs,
// is the judge of whether browsers accept it; this pins the exact headers).
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <duplex/cors.h>

using namespace testing_support;

namespace {

struct Api {
    ServerThread server;
    explicit Api(duplex::CorsOptions options)
        : server([options](duplex::App& app, duplex::WsServer&) {
              app.use(duplex::cors(options));
              app.get("/data", [](duplex::Request&, duplex::Response& res) { res.send("data"); });
          }) {}
    HttpResponse request(const std::string& method, const std::string& extra) {
        auto r = http_request(server.http_port(), method + " /data HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n");
        REQUIRE(r);
        return *r;
    }
};

const std::string kPreflight =
    "Origin: http://a.test\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: x-custom\r\n";

}  // namespace

TEST_SUITE("cors") {

TEST_CASE("an allowed origin is echoed, with credentials, exposed headers and Vary: Origin") {
    Api api({.origins = {"http://a.test", "http://b.test"},
             .exposed_headers = {"X-One", "X-Two"},
             .credentials = true});
    auto r = api.request("GET", "Origin: http://b.test\r\n");
    CHECK(r.status == 200);
    CHECK(r.body == "data");
    CHECK(r.header("access-control-allow-origin") == "http://b.test");
    CHECK(r.header("access-control-allow-credentials") == "true");
    CHECK(r.header("access-control-expose-headers") == "X-One, X-Two");
    CHECK(r.header("vary") == "Origin");
}

TEST_CASE("a disallowed origin or none: no CORS header, the answer as usual") {
    Api api({.origins = {"http://a.test"}, .credentials = true});
    for (const char* extra : {"Origin: http://evil.test\r\n", "Origin: http://a.test.evil\r\n", ""}) {
        CAPTURE(extra);
        auto r = api.request("GET", extra);
        CHECK(r.status == 200);
        CHECK(r.body == "data");
        CHECK_FALSE(r.has("access-control-allow-origin"));
        CHECK_FALSE(r.has("access-control-allow-credentials"));
        CHECK(r.header("vary") == "Origin");  // a cache must not hand this answer to the allowed origin
    }
    // A disallowed preflight meets the router's automatic OPTIONS: 204 with Allow, no CORS header.
    auto p = api.request("OPTIONS", "Origin: http://evil.test\r\nAccess-Control-Request-Method: PUT\r\n");
    CHECK(p.status == 204);
    CHECK(p.has("allow"));
    CHECK_FALSE(p.has("access-control-allow-origin"));
    CHECK_FALSE(p.has("access-control-allow-methods"));
}

TEST_CASE("a preflight is answered before the automatic OPTIONS") {
    Api api({.origins = {"http://a.test"}, .methods = {"GET", "PUT"}, .credentials = true,
             .max_age = std::chrono::seconds(600)});
    auto p = api.request("OPTIONS", kPreflight);
    CHECK(p.status == 204);
    CHECK_FALSE(p.has("allow"));  // not the router's answer
    CHECK_FALSE(p.has("content-length"));
    CHECK(p.header("access-control-allow-origin") == "http://a.test");
    CHECK(p.header("access-control-allow-methods") == "GET, PUT");
    CHECK(p.header("access-control-allow-headers") == "x-custom");  // reflected: none configured
    CHECK(p.header("access-control-max-age") == "600");
    CHECK(p.header("access-control-allow-credentials") == "true");
    CHECK(p.header("vary") == "Origin, Access-Control-Request-Headers");
    // An OPTIONS without Access-Control-Request-Method is no preflight: the automatic OPTIONS, with CORS headers.
    auto o = api.request("OPTIONS", "Origin: http://a.test\r\n");
    CHECK(o.has("allow"));
    CHECK(o.header("access-control-allow-origin") == "http://a.test");
}

TEST_CASE("configured allowed headers; '*' without credentials; never '*' with them; a predicate") {
    Api listed({.allowed_headers = {"X-Custom", "Content-Type"}});
    auto p = listed.request("OPTIONS", kPreflight);
    CHECK(p.header("access-control-allow-headers") == "X-Custom, Content-Type");
    CHECK(p.header("access-control-allow-origin") == "*");
    CHECK_FALSE(p.has("vary"));  // the same answer for every origin

    Api star_credentials({.credentials = true});
    auto r = star_credentials.request("GET", "Origin: http://any.test\r\n");
    CHECK(r.header("access-control-allow-origin") == "http://any.test");
    CHECK(r.header("vary") == "Origin");

    Api predicate({.allow_origin = [](std::string_view o) { return o.ends_with(".good.test"); }});
    CHECK(predicate.request("GET", "Origin: http://x.good.test\r\n").header("access-control-allow-origin") ==
          "http://x.good.test");
    CHECK_FALSE(predicate.request("GET", "Origin: http://x.bad.test\r\n").has("access-control-allow-origin"));
}

}
