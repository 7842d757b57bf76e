// Router walks without sockets: a Request filled by the real RequestParser, a Response on a detached
// Exchange (its writes go nowhere), and the walk observed through the layers that ran and the `done` outcome.
#include <doctest/doctest.h>

#include "duplex/router.h"
#include "http/exchange.h"
#include "http/request_parser.h"
#include "routing/router_stack.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using duplex::Error;
using duplex::Next;
using duplex::Request;
using duplex::Response;
using duplex::Router;

namespace {

struct Walk {
    bool done = false;
    std::optional<Error> error;
};

// A detached exchange holding `head` parsed by the real parser.
std::shared_ptr<duplex::detail::Exchange> exchange_for(const std::string& head) {
    auto ex = std::make_shared<duplex::detail::Exchange>();
    duplex::HttpOptions opt;
    duplex::detail::RequestParser parser(opt);
    parser.set_target(&ex->req);
    REQUIRE(parser.feed(head.data(), head.size()).kind == duplex::detail::RequestParser::Kind::Complete);
    return ex;
}

// Runs the router on one request; `w` records how the walk ended (if it did).
void start(const Router& router, const std::shared_ptr<duplex::detail::Exchange>& ex, Walk& w) {
    Response res = duplex::detail::Exchange::response(ex);
    router.handle(ex->req, res, [&w](std::optional<Error> e) {
        w.done = true;
        w.error = std::move(e);
    });
}

Walk run(const Router& router, const std::string& head) {
    Walk w;
    start(router, exchange_for(head), w);
    return w;
}

std::string get(const std::string& target, const char* method = "GET") {
    return std::string(method) + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

}  // namespace

TEST_SUITE("router") {

TEST_CASE("params are decoded and route_path is relative to the mount") {
    std::string id, route_path, path;
    Router users;
    users.get("/:id", [&](Request& req, Response&) {
        id = req.param("id");
        route_path = req.route_path();
        path = req.path();
    });
    Router app;
    app.use("/users", users);
    Walk w = run(app, get("/users/a%20b"));
    CHECK_FALSE(w.done);  // the handler took it
    CHECK(id == "a b");
    CHECK(route_path == "/a%20b");
    CHECK(path == "/users/a%20b");
}

TEST_CASE("layers run in order; next() twice continues once; the end reports no error") {
    std::vector<std::string> trace;
    Router r;
    r.use([&](Request&, Response&, Next next) {
        trace.push_back("mw");
        next();
        next();
    });
    r.get("/x", [&](Request&, Response&, Next next) {
        trace.push_back("route");
        next();
    });
    r.get("/x", [&](Request&, Response&, Next next) {
        trace.push_back("route2");
        next();
    });
    Walk w = run(r, get("/x"));
    CHECK(trace == std::vector<std::string>{"mw", "route", "route2"});
    CHECK(w.done);
    CHECK_FALSE(w.error);
}

TEST_CASE("thrown exceptions and next(err) skip to error layers; unhandled ones reach done") {
    std::vector<std::string> trace;
    Router r;
    r.get("/std", [](Request&, Response&) { throw std::runtime_error("boom"); });
    r.get("/teapot", [](Request&, Response&, Next next) { next(Error(418, "tea")); });
    r.get("/std", [&](Request&, Response&) { trace.push_back("skipped route"); });
    r.use_error([&](const Error& e, Request&, Response&, Next next) {
        trace.push_back("error layer: " + e.message());
        next();  // passes the same error on
    });
    Walk thrown = run(r, get("/std"));
    CHECK(thrown.done);
    REQUIRE(thrown.error);
    CHECK(thrown.error->status() == 500);
    CHECK(thrown.error->message() == "boom");
    Walk passed = run(r, get("/teapot"));
    REQUIRE(passed.error);
    CHECK(passed.error->status() == 418);
    CHECK(trace == std::vector<std::string>{"error layer: boom", "error layer: tea"});
}

TEST_CASE("a Next kept by an async handler continues the walk later, once") {
    std::optional<Next> kept;
    int after = 0;
    Router r;
    r.get("/a", [&](Request&, Response&, Next next) { kept = next; });
    r.get("/a", [&](Request&, Response&, Next next) {
        ++after;
        next();
    });
    Walk w;
    start(r, exchange_for(get("/a")), w);
    CHECK(after == 0);
    REQUIRE(kept);
    (*kept)();
    (*kept)(Error(500, "ignored: already continued"));
    CHECK(after == 1);
    CHECK(w.done);
    CHECK_FALSE(w.error);
}

TEST_CASE("a path matched under other methods records them for 405 / OPTIONS") {
    Router r;
    r.get("/thing", [](Request&, Response&) {});
    r.del("/thing", [](Request&, Response&) {});
    Router api;  // a mounted router's routes count too
    api.post("/", [](Request&, Response&) {});
    r.use("/thing", api);
    static std::string allow;  // the plain-function end cannot capture
    static int ends = 0;
    auto ex = exchange_for(get("/thing", "PUT"));
    Response res = duplex::detail::Exchange::response(ex);
    r.handle(ex->req, res, [](Request&, Response&, const std::optional<Error>& e, std::string_view a) {
        ++ends;
        CHECK_FALSE(e);
        allow = a;
    });
    CHECK(ends == 1);
    CHECK(allow == "GET, HEAD, POST, DELETE, OPTIONS");

    auto missing = exchange_for(get("/nothing", "PUT"));  // no path matched: no Allow (a 404)
    Response res2 = duplex::detail::Exchange::response(missing);
    r.handle(missing->req, res2, [](Request&, Response&, const std::optional<Error>&, std::string_view a) {
        ++ends;
        allow = a;
    });
    CHECK(ends == 2);
    CHECK(allow.empty());
}

TEST_CASE("layers skipped by their leading literal: the right route still runs, whatever the case or escapes") {
    Router r;
    std::string ran;
    for (const char* path : {"/api/hello/:name", "/api/session", "/metrics", "/metrics.json", "/API/c", "/x/:id"}) {
        r.get(path, [&ran, path](Request& req, Response&) {
            ran = std::string(path) + " " + std::string(req.param("id"));
        });
    }
    r.post("/api/session", [](Request&, Response&) {});
    // A pair, not a structured binding: CAPTURE's lambda cannot capture a binding before clang 16.
    for (const auto& c : std::vector<std::pair<std::string, std::string>>{
             {"/api/c", "/API/c "}, {"/Api/C/", "/API/c "}, {"/%61pi/c", "/API/c "},
             {"/metrics.json", "/metrics.json "}, {"/METRICS", "/metrics "}, {"/x/7", "/x/:id 7"},
             {"/%78/8", "/x/:id 8"}}) {
        const std::string& target = c.first;
        CAPTURE(target);
        ran.clear();
        Walk w = run(r, get(target));
        CHECK(ran == c.second);
        CHECK_FALSE(w.done);
    }
    ran.clear();
    Walk w = run(r, get("/api", "GET"));  // shorter than every literal but "/": nothing runs
    CHECK(ran.empty());
    CHECK(w.done);
}

TEST_CASE("a malformed escape in a parameter becomes a 400 error") {
    Router r;
    r.get("/p/:v", [](Request&, Response&) { FAIL("must not run"); });
    Walk w = run(r, get("/p/%zz"));
    CHECK(w.done);
    REQUIRE(w.error);
    CHECK(w.error->status() == 400);
}

TEST_CASE("100,000 layers that call next() at once run in bounded stack depth, errors and mounts included") {
    constexpr int kLayers = 100000;
    int ran = 0;
    Router r;
    for (int i = 0; i < kLayers; ++i) {
        r.use([&](Request&, Response&, Next next) {
            ++ran;
            next();
        });
    }
    Walk w = run(r, get("/x"));
    CHECK(ran == kLayers);
    CHECK(w.done);
    CHECK_FALSE(w.error);

    // The same through error layers passing the error on, and in a mounted router.
    int errors = 0;
    Router failing;
    failing.use([](Request&, Response&, Next next) { next(Error(503, "down")); });
    for (int i = 0; i < kLayers; ++i) {
        failing.use_error([&](const Error&, Request&, Response&, Next next) {
            ++errors;
            next();
        });
    }
    Router outer;
    outer.use("/api", failing);
    Walk e = run(outer, get("/api/x"));
    CHECK(errors == kLayers);
    CHECK(e.done);
    REQUIRE(e.error);
    CHECK(e.error->status() == 503);
}

TEST_CASE("next() runs the next layer at once, as Express does: code after next() runs after the layers below") {
    std::vector<std::string> trace;
    Router r;
    r.use([&](Request&, Response&, Next next) {
        next();
        trace.push_back("after first next()");
    });
    r.use([&](Request&, Response&, Next next) {
        trace.push_back("second");
        next();
    });
    r.get("/x", [&](Request&, Response& res) {
        trace.push_back("route");
        res.send("ok");
    });
    Walk w = run(r, get("/x"));
    CHECK(trace == std::vector<std::string>{"second", "route", "after first next()"});
}

TEST_CASE("a synchronous chain deeper than the bound still runs every layer once, in order") {
    constexpr int kLayers = 1000;
    std::vector<int> order;
    Router r;
    for (int i = 0; i < kLayers; ++i) {
        r.use([&, i](Request&, Response&, Next next) {
            order.push_back(i);
            next();
        });
    }
    Walk w = run(r, get("/x"));
    REQUIRE(order.size() == kLayers);
    for (int i = 0; i < kLayers; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
    CHECK(w.done);
}

TEST_CASE("a long synchronous chain that pauses once and is resumed later finishes, in bounded depth") {
    constexpr int kLayers = 50000;
    int ran = 0;
    std::optional<Next> kept;
    Router r;
    for (int i = 0; i < kLayers; ++i) {
        r.use([&, i](Request&, Response&, Next next) {
            ++ran;
            if (i == kLayers / 2) kept = next;  // continued from outside the walk
            else next();
        });
    }
    Walk w;
    start(r, exchange_for(get("/x")), w);
    CHECK(ran == kLayers / 2 + 1);
    CHECK_FALSE(w.done);
    REQUIRE(kept);
    (*kept)();
    CHECK(ran == kLayers);
    CHECK(w.done);
}

}  // TEST_SUITE
