// The HTTP half of the demo contract (shared/demo-contract.md), item by item, against the real demo binary
// started on free ports with the repository's static/ directory, asked through duplex::testing::TestClient
// (remote: the demo is a process of its own); the pipelining case speaks raw bytes on one connection.
#include "support/demo_process.h"
#include "support/gcc_restrict_bug.h"
#include "support/raw_client.h"

#include <duplex/testing.h>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

using namespace testing_support;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The demo on free ports, and a test client for its HTTP port.
struct Demo {
    DemoProcess demo;
    Process& proc = demo.process();
    int port = demo.http_port();
    duplex::testing::TestClient client = duplex::testing::TestClient::remote("127.0.0.1", port);
    Demo() { REQUIRE(demo.ready()); }
    // Graceful stop on SIGTERM: the contract says exit 0.
    void stop() {
        proc.signal(SIGTERM);
        CHECK(proc.wait(10s) == 0);
    }
};

constexpr std::string_view kJson = "application/json";

}  // namespace

TEST_SUITE("demo_http") {

TEST_CASE("GET / is static/index.html with the exact content type") {
    Demo demo;
    auto r = demo.client.get("/").send();
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    CHECK(r.body == read_file(source_root() + "/static/index.html"));
    demo.stop();
}

TEST_CASE("static files: MIME, validators, 304, Range 206/416, HEAD, 404, nothing outside the static dir") {
    Demo demo;
    std::string css = read_file(source_root() + "/static/style.css");
    auto r = demo.client.get("/style.css").send();
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "text/css; charset=utf-8");
    CHECK(r.body == css);
    CHECK(demo.client.get("/app.js").send().header("content-type") == "text/javascript; charset=utf-8");
    CHECK(demo.client.get("/favicon.svg").send().header("content-type") == "image/svg+xml");
    std::string etag = r.header("etag");
    std::string modified = r.header("last-modified");
    REQUIRE_FALSE(etag.empty());
    REQUIRE_FALSE(modified.empty());
    CHECK(demo.client.get("/style.css").header("If-None-Match", etag).send().status == 304);
    CHECK(demo.client.get("/style.css").header("If-Modified-Since", modified).send().status == 304);
    auto part = demo.client.get("/style.css").header("Range", "bytes=0-9").send();
    CHECK(part.status == 206);
    CHECK(part.body == css.substr(0, 10));
    CHECK(part.header("content-range") == "bytes 0-9/" + std::to_string(css.size()));
    auto bad = demo.client.get("/style.css").header("Range", "bytes=999999-").send();
    CHECK(bad.status == 416);
    auto head = demo.client.head("/style.css").send();
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == std::to_string(css.size()));
    CHECK(demo.client.get("/no-such-file.css").send().status == 404);
    for (const char* escape : {"/../meson.build", "/%2e%2e/meson.build", "/..%2fmeson.build", "/static/../../meson.build"}) {
        INFO("target: ", escape);
        auto e = demo.client.get(escape).send();
        CHECK(e.status == 404);
        CHECK(e.body.find("project(") == std::string::npos);
    }
    demo.stop();
}

TEST_CASE("GET /api/hello/:name answers JSON with the name percent-decoded") {
    Demo demo;
    auto r = demo.client.get("/api/hello/J%C3%BCrgen%20M%2F2").send();
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json; charset=utf-8");
    CHECK(r.json() == nlohmann::json{{"hello", "J\xC3\xBCrgen M/2"}});
    CHECK(demo.client.get("/api/hello/world").send().json()["hello"] == "world");
    // A name that does not decode to UTF-8 still gets valid JSON, with U+FFFD for each bad sequence.
    for (const char* target : {"/api/hello/%FF", "/api/hello/a%C0%AEb", "/api/hello/\xff"}) {
        INFO("target: ", target);
        auto bad = demo.client.get(target).send();
        CHECK(bad.status == 200);
        auto j = nlohmann::json::parse(bad.body, nullptr, false);
        REQUIRE(j.is_object());
        CHECK(j["hello"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
    }
    demo.stop();
}

DUPLEX_GCC_RESTRICT_BUG_BEGIN  // "\"" + std::string(...) below
TEST_CASE("POST /api/echo: the same JSON back, 400 JSON error for invalid JSON, 413 over the limit") {
    Demo demo;
    std::string doc = R"({"a":[1,2,{"b":null}],"s":"\u00e9","n":-1.5})";
    auto ok = demo.client.post("/api/echo").body(doc, kJson).send();
    CHECK(ok.status == 200);
    CHECK(ok.header("content-type") == "application/json; charset=utf-8");
    CHECK(ok.json() == nlohmann::json::parse(doc));
    CHECK(demo.client.post("/api/echo").body("42").send().body == "42");

    for (const char* invalid : {"{not json", "", "[1,2"}) {
        INFO("body: ", invalid);
        auto bad = demo.client.post("/api/echo").body(invalid, kJson).send();
        CHECK(bad.status == 400);
        CHECK(bad.header("content-type") == "application/json; charset=utf-8");
        auto j = nlohmann::json::parse(bad.body, nullptr, false);
        CHECK(j.is_object());
        CHECK(j.contains("error"));
    }
    const std::string huge = "\"" + std::string(2 * 1024 * 1024, 'x') + "\"";
    auto big = demo.client.post("/api/echo").body(huge, kJson).send();
    CHECK(big.status == 413);
    // Nesting: 512 levels come back; a small body nested deeper is refused before it can exhaust the stack.
    const std::string deep_ok = std::string(512, '[') + std::string(512, ']');
    CHECK(demo.client.post("/api/echo").body(deep_ok, kJson).send().body == deep_ok);
    for (const std::size_t depth : {513, 100000}) {
        INFO("depth: ", depth);
        const std::string nested = std::string(depth, '[') + std::string(depth, ']');
        auto deep = demo.client.post("/api/echo").body(nested, kJson).send();
        CHECK(deep.status == 400);
        CHECK(deep.json().contains("error"));
    }
    // Brackets inside strings are not nesting.
    const std::string in_string = "[\"" + std::string(2000, '[') + "\\\"\"]";
    CHECK(demo.client.post("/api/echo").body(in_string, kJson).send().body == in_string);
    CHECK(demo.client.get("/api/hello/alive").send().status == 200);
    demo.stop();
}
DUPLEX_GCC_RESTRICT_BUG_END

TEST_CASE("GET /api/stats has the contract's counters, and http_requests counts") {
    Demo demo;
    auto first = demo.client.get("/api/stats").send().json();
    for (const char* key : {"http_requests", "ws_connections", "ws_messages"}) {
        INFO("key: ", key);
        REQUIRE(first.contains(key));
        CHECK(first[key].is_number_unsigned());
    }
    demo.client.get("/api/hello/x").send();
    auto second = demo.client.get("/api/stats").send().json();
    CHECK(second["http_requests"].get<std::uint64_t>() == first["http_requests"].get<std::uint64_t>() + 2);
    demo.stop();
}

TEST_CASE("anything else is 404; a known path under another method is 405 with Allow") {
    Demo demo;
    CHECK(demo.client.get("/nope").send().status == 404);
    CHECK(demo.client.get("/api/nope").send().status == 404);
    CHECK(demo.client.del("/nope").send().status == 404);
    auto post_hello = demo.client.post("/api/hello/x").send();
    CHECK(post_hello.status == 405);
    CHECK(post_hello.header("allow") == "GET, HEAD, OPTIONS");
    auto get_echo = demo.client.get("/api/echo").send();
    CHECK(get_echo.status == 405);
    CHECK(get_echo.header("allow") == "POST, OPTIONS");
    auto put_stats = demo.client.put("/api/stats").send();
    CHECK(put_stats.status == 405);
    CHECK(put_stats.header("allow") == "GET, HEAD, OPTIONS");
    demo.stop();
}

TEST_CASE("keep-alive, pipelining and a chunked request body on one connection") {
    Demo demo;
    RawClient c(demo.port);
    REQUIRE(c.send("GET /api/hello/one HTTP/1.1\r\nHost: demo\r\n\r\n"
                   "POST /api/echo HTTP/1.1\r\nHost: demo\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\n{\"k\":\r\n3\r\n[1]\r\n1\r\n}\r\n0\r\n\r\n"
                   "GET /api/hello/three HTTP/1.1\r\nHost: demo\r\n\r\n"));
    auto a = c.read_response();
    auto b = c.read_response();
    auto d = c.read_response();
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(d);
    CHECK(a->body == R"({"hello":"one"})");
    CHECK(b->status == 200);
    CHECK(b->body == R"({"k":[1]})");
    CHECK(d->body == R"({"hello":"three"})");
    // Still open afterwards.
    REQUIRE(c.send("GET /api/hello/again HTTP/1.1\r\nHost: demo\r\n\r\n"));
    auto again = c.read_response();
    REQUIRE(again);
    CHECK(again->body == R"({"hello":"again"})");
    demo.stop();
}

}  // TEST_SUITE
