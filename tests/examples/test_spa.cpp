// examples/spa against the running binary: static files, the /api router, and the history fallback (pages of the
// app get index.html; API paths, file-like paths and other methods keep their 404 / 405).
#include "examples/example_process.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace testing_support;
using nlohmann::json;

namespace {

std::string public_dir() { return source_root() + "/examples/spa/public"; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Spa {
    ExampleProcess app{"spa", {"--public", public_dir()}};
    Spa() { REQUIRE(app.port() > 0); }
    duplex::testing::TestResponse call(const std::string& method, const std::string& target) {
        return app.client().request(method, target).send();
    }
};

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("spa: files, the API, and index.html for every page of the app") {
    Spa spa;
    const std::string index = read_file(public_dir() + "/index.html");
    REQUIRE_FALSE(index.empty());
    for (const char* page : {"/", "/about", "/users/7", "/deep/link/path", "/about?tab=2"}) {
        CAPTURE(page);
        auto r = spa.call("GET", page);
        CHECK(r.status == 200);
        CHECK(r.header("content-type") == "text/html; charset=utf-8");
        CHECK(r.body == index);
    }
    auto head = spa.call("HEAD", "/about");
    CHECK(head.status == 200);
    CHECK(head.body.empty());

    auto js = spa.call("GET", "/app.js");
    CHECK(js.status == 200);
    CHECK(js.header("content-type") == "text/javascript; charset=utf-8");
    CHECK(js.body == read_file(public_dir() + "/app.js"));

    auto status = spa.call("GET", "/api/status");
    CHECK(status.status == 200);
    CHECK(json::parse(status.body)["ok"] == true);
    CHECK(json::parse(spa.call("GET", "/api/greeting/ada").body) == json{{"greeting", "hello, ada"}});
    CHECK(spa.app.stop() == 0);
}

TEST_CASE("spa: API paths, missing files and other methods never get the page") {
    Spa spa;
    for (const char* path : {"/api/nope", "/api", "/API/nope", "/missing.js", "/img/logo.png"}) {
        CAPTURE(path);
        auto r = spa.call("GET", path);
        CHECK(r.status == 404);
        CHECK(r.body.find("<html") == std::string::npos);
    }
    auto api_json = spa.app.client().get("/api/nope").header("Accept", "application/json").send();
    CHECK(api_json.status == 404);
    CHECK(json::parse(api_json.body).contains("error"));
    CHECK(spa.call("POST", "/about").status == 404);
    auto wrong = spa.call("DELETE", "/api/status");
    CHECK(wrong.status == 405);
    CHECK(wrong.header("allow").find("GET") != std::string::npos);
}

}  // TEST_SUITE
