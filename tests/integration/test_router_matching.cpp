// Router matching through a real server: percent-decoded params, named wildcards, query parsing,
// case-insensitive headers, sub-routers at a prefix (req.route_path), middleware order and next().
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <string>

using namespace testing_support;

namespace {

std::string get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

HttpResponse fetch(int port, const std::string& target, const std::string& extra = "") {
    auto r = http_request(port, get(target, extra));
    REQUIRE(r);
    return *r;
}

void routes(duplex::App& app, duplex::WsServer&) {
    app.get("/hello/:name", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"hello", req.param("name")}});
    });
    app.get("/range/:from-:to", [](duplex::Request& req, duplex::Response& res) {
        res.send(std::string(req.param("from")) + "|" + std::string(req.param("to")));
    });
    app.get("/files/*rest", [](duplex::Request& req, duplex::Response& res) { res.send(std::string(req.param("rest"))); });
    app.get("/query", [](duplex::Request& req, duplex::Response& res) {
        nlohmann::json pairs = nlohmann::json::array();
        for (const auto& [k, v] : req.query_params()) pairs.push_back({k, v});
        res.json({{"pairs", pairs}, {"q", req.query("q").value_or("<none>")}, {"raw", req.query_string()}});
    });
    app.get("/headers", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"x", req.header("X-MiXeD")}, {"all", req.header_all("x-list")}, {"has", req.has_header("X-MISSING")}});
    });

    duplex::Router api;
    api.use([](duplex::Request& req, duplex::Response& res, duplex::Next next) {
        res.set("X-Api-Seen", std::string(req.route_path()));
        next();
    });
    api.get("/users/:id", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"id", req.param("id")}, {"path", req.path()}, {"route_path", req.route_path()}});
    });
    duplex::Router v2;
    v2.get("/deep", [](duplex::Request& req, duplex::Response& res) { res.send(std::string(req.route_path())); });
    api.use("/v2", v2);
    app.use("/api", api);

    // Middleware order: the first adds a header and continues; the second only continues for /chain/pass.
    app.use("/chain", [](duplex::Request&, duplex::Response& res, duplex::Next next) {
        res.append("X-Step", "one");
        next();
    });
    app.use("/chain", [](duplex::Request& req, duplex::Response& res, duplex::Next next) {
        if (req.route_path() == "/stop") res.send("stopped in middleware");
        else next();
    });
    app.get("/chain/:what", [](duplex::Request& req, duplex::Response& res) { res.send("route " + std::string(req.param("what"))); });
}

}  // namespace

TEST_SUITE("router_matching") {

TEST_CASE("params are percent-decoded; several params split one segment") {
    ServerThread server(routes);
    auto r = fetch(server.http_port(), "/hello/%C3%A9t%C3%A9%20x%2Fy");
    CHECK(r.status == 200);
    CHECK(r.body == "{\"hello\":\"\xC3\xA9t\xC3\xA9 x/y\"}");
    CHECK(fetch(server.http_port(), "/range/a-b").body == "a|b");
    CHECK(fetch(server.http_port(), "/hello/a/b").status == 404);  // a param never spans a '/'
    CHECK(fetch(server.http_port(), "/hello/%zz").status == 400);  // a malformed escape in a param
    CHECK(server.stop());
}

TEST_CASE("a named wildcard takes the rest of the path, slashes included") {
    ServerThread server(routes);
    CHECK(fetch(server.http_port(), "/files/a/b%20c/d.txt").body == "a/b c/d.txt");
    CHECK(fetch(server.http_port(), "/files/").status == 404);
    CHECK(server.stop());
}

TEST_CASE("query strings are parsed in order, decoded, '+' as a space") {
    ServerThread server(routes);
    auto r = fetch(server.http_port(), "/query?q=a+b%26c&empty=&flag&q=second");
    CHECK(r.status == 200);
    auto j = nlohmann::json::parse(r.body);
    CHECK(j["q"] == "a b&c");
    CHECK(j["raw"] == "q=a+b%26c&empty=&flag&q=second");
    CHECK(j["pairs"] == nlohmann::json::parse(R"([["q","a b&c"],["empty",""],["flag",""],["q","second"]])"));
    auto none = nlohmann::json::parse(fetch(server.http_port(), "/query").body);
    CHECK(none["q"] == "<none>");
    CHECK(none["pairs"].empty());
    CHECK(server.stop());
}

TEST_CASE("header lookup is case-insensitive and repeated headers join with a comma") {
    ServerThread server(routes);
    auto r = fetch(server.http_port(), "/headers", "x-mixed: value\r\nX-List: a\r\nx-LIST: b\r\n");
    auto j = nlohmann::json::parse(r.body);
    CHECK(j["x"] == "value");
    CHECK(j["all"] == "a, b");
    CHECK(j["has"] == false);
    CHECK(server.stop());
}

TEST_CASE("sub-routers see the path after their prefix in route_path, nested mounts too") {
    ServerThread server(routes);
    auto r = fetch(server.http_port(), "/api/users/42");
    CHECK(r.status == 200);
    CHECK(r.header("x-api-seen") == "/users/42");
    auto j = nlohmann::json::parse(r.body);
    CHECK(j["id"] == "42");
    CHECK(j["path"] == "/api/users/42");
    CHECK(j["route_path"] == "/users/42");
    CHECK(fetch(server.http_port(), "/api/v2/deep").body == "/deep");
    CHECK(fetch(server.http_port(), "/API/V2/DEEP").status == 200);  // case-insensitive by default
    CHECK(fetch(server.http_port(), "/apix/users/42").status == 404);  // prefixes stop at segment boundaries
    CHECK(fetch(server.http_port(), "/api/nothing").status == 404);
    CHECK(server.stop());
}

TEST_CASE("middleware runs in order; next() continues, a finished response stops the walk") {
    ServerThread server(routes);
    auto pass = fetch(server.http_port(), "/chain/pass");
    CHECK(pass.body == "route pass");
    CHECK(pass.header("x-step") == "one");
    auto stop = fetch(server.http_port(), "/chain/stop");
    CHECK(stop.body == "stopped in middleware");
    CHECK(stop.header("x-step") == "one");
    CHECK(server.stop());
}

}  // TEST_SUITE
