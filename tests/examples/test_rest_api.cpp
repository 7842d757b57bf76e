// examples/rest_api against the running binary: CRUD, 201 + Location, 400 naming the field, 404 for unknown ids.
#include "examples/example_process.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace testing_support;
using nlohmann::json;

namespace {

struct RestApi {
    ExampleProcess app{"rest_api"};
    RestApi() { REQUIRE(app.port() > 0); }
    duplex::testing::TestResponse call(const std::string& method, const std::string& target,
                                       const std::string& body = "") {
        return app.client().request(method, target).body(body).send();
    }
    // The "error" of a JSON error body.
    static std::string error_of(const duplex::testing::TestResponse& r) {
        CHECK(r.header("content-type") == "application/json; charset=utf-8");
        return r.json().value("error", "");
    }
};

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("rest_api: create, read, list, replace, delete") {
    RestApi api;
    CHECK(api.call("GET", "/items").json() == json::array());

    auto created = api.call("POST", "/items", R"({"name": "apple", "quantity": 3, "junk": true})");
    CHECK(created.status == 201);
    CHECK(created.header("location") == "/items/1");
    CHECK(created.json() == json{{"id", 1}, {"name", "apple"}, {"quantity", 3}});
    auto second = api.call("POST", "/items", R"({"name": "pear", "quantity": 0})");
    CHECK(second.header("location") == "/items/2");

    auto one = api.call("GET", "/items/1");
    CHECK(one.status == 200);
    CHECK(one.json() == json{{"id", 1}, {"name", "apple"}, {"quantity", 3}});
    auto list = api.call("GET", "/items").json();
    REQUIRE(list.size() == 2);
    CHECK(list[0]["name"] == "apple");
    CHECK(list[1]["name"] == "pear");

    auto replaced = api.call("PUT", "/items/2", R"({"name": "pears", "quantity": 12})");
    CHECK(replaced.status == 200);
    CHECK(replaced.json() == json{{"id", 2}, {"name", "pears"}, {"quantity", 12}});
    CHECK(api.call("GET", "/items/2").json()["quantity"] == 12);

    auto deleted = api.call("DELETE", "/items/1");
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    CHECK(api.call("GET", "/items/1").status == 404);
    CHECK(api.call("GET", "/items").json().size() == 1);
    // Ids are never reused.
    CHECK(api.call("POST", "/items", R"({"name": "fig", "quantity": 1})").header("location") == "/items/3");
    CHECK(api.app.stop() == 0);
}

TEST_CASE("rest_api: validation answers 400 with a message naming the field") {
    RestApi api;
    struct Case {
        const char* body;
        const char* field;
    };
    for (Case c : {Case{R"({"quantity": 1})", "'name'"}, Case{R"({"name": "", "quantity": 1})", "'name'"},
                   Case{R"({"name": 5, "quantity": 1})", "'name'"}, Case{R"({"name": "a"})", "'quantity'"},
                   Case{R"({"name": "a", "quantity": -1})", "'quantity'"},
                   Case{R"({"name": "a", "quantity": "7"})", "'quantity'"},
                   Case{R"({"name": "a", "quantity": 1.5})", "'quantity'"}}) {
        CAPTURE(c.body);
        auto r = api.call("POST", "/items", c.body);
        CHECK(r.status == 400);
        CHECK(RestApi::error_of(r).find(c.field) != std::string::npos);
    }
    auto not_json = api.call("POST", "/items", "{name: apple");
    CHECK(not_json.status == 400);
    CHECK(RestApi::error_of(not_json) == "invalid JSON body");
    auto not_object = api.call("POST", "/items", "[1, 2]");
    CHECK(not_object.status == 400);
    CHECK(RestApi::error_of(not_object) == "the body must be a JSON object");
    // Nothing invalid was stored.
    CHECK(api.call("GET", "/items").json() == json::array());
    // PUT validates the same way.
    REQUIRE(api.call("POST", "/items", R"({"name": "apple", "quantity": 3})").status == 201);
    auto bad_put = api.call("PUT", "/items/1", R"({"name": "apple"})");
    CHECK(bad_put.status == 400);
    CHECK(RestApi::error_of(bad_put).find("'quantity'") != std::string::npos);
    CHECK(api.call("GET", "/items/1").json()["quantity"] == 3);
}

TEST_CASE("rest_api: unknown ids are 404 with a JSON error, for every method") {
    RestApi api;
    for (const char* id : {"1", "999", "abc", "1x", "-1"}) {
        CAPTURE(id);
        const std::string target = std::string("/items/") + id;
        for (auto r : {api.call("GET", target), api.call("PUT", target, R"({"name": "a", "quantity": 1})"),
                       api.call("DELETE", target)}) {
            CHECK(r.status == 404);
            CHECK(RestApi::error_of(r) == "no item with id '" + std::string(id) + "'");
        }
    }
    // A path no route matches stays the router's own 404; a known path under another method is 405.
    CHECK(api.call("GET", "/nothing").status == 404);
    auto wrong_method = api.call("PATCH", "/items/1");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("allow").find("PUT") != std::string::npos);
}

}  // TEST_SUITE
