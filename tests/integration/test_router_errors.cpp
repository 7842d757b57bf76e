// The router's error path and async handlers through a real server: next(err) and thrown exceptions reach
// use_error layers, the final handler answers JSON or text (5xx details hidden), next() twice is ignored,
// async handlers answer later from a loop timer, body::json answers 400/413.
#include "support/http_checks.h"
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>

using namespace testing_support;

namespace {

struct Fixture {
    std::atomic<int> after_double_next{0};
    ServerThread server;
    Fixture()
        : server([this](duplex::App& app, duplex::WsServer&) {
              app.get("/throw/std", [](duplex::Request&, duplex::Response&) { throw std::runtime_error("secret detail"); });
              app.get("/throw/teapot", [](duplex::Request&, duplex::Response&) { throw duplex::Error(418, "short and stout"); });
              app.get("/throw/int", [](duplex::Request&, duplex::Response&) { throw 42; });
              app.get("/next-err", [](duplex::Request&, duplex::Response&, duplex::Next next) {
                  next(duplex::Error(409, "conflict here"));
              });
              app.get("/double-next", [](duplex::Request&, duplex::Response&, duplex::Next next) {
                  next();
                  next();  // ignored: the walk already moved on
              });
              app.get("/double-next", [this](duplex::Request&, duplex::Response& res) {
                  ++after_double_next;
                  res.send("once");
              });
              app.get("/async", [&app](duplex::Request& req, duplex::Response& res) {
                  app.loop().set_timeout(std::chrono::milliseconds(50), [res, &req]() mutable {
                      res.json({{"late", true}, {"path", req.path()}});
                  });
              });
              app.get("/async-next-err", [&app](duplex::Request&, duplex::Response&, duplex::Next next) {
                  app.loop().set_timeout(std::chrono::milliseconds(20), [next] { next(duplex::Error(503, "later")); });
              });
              app.post("/json", duplex::body::json({.limit = 64, .max_depth = 3}),
                       [](duplex::Request& req, duplex::Response& res) { res.json({{"got", req.json()}}); });

              // Errors under /handled are answered by an error layer; the first one passes on what it cannot use.
              app.get("/handled/:code", [](duplex::Request& req, duplex::Response&) {
                  throw duplex::Error(std::stoi(std::string(req.param("code"))), "code " + std::string(req.param("code")));
              });
              app.use_error("/handled", [](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next next) {
                  if (e.status() == 400) next(duplex::Error(422, "rewritten"));
                  else if (e.status() == 404) next();
                  else res.status(299).json({{"handled", e.message()}});
              });
              app.use_error("/handled", [](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
                  res.status(e.status()).send("second layer: " + e.message());
              });
              duplex::Router sub;
              sub.get("/boom", [](duplex::Request&, duplex::Response&) { throw duplex::Error(400, "sub boom"); });
              sub.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
                  res.status(e.status()).json({{"sub_error", e.message()}});
              });
              app.use("/sub", sub);
          }) {}
    int port() const { return server.http_port(); }
};

}  // namespace

TEST_SUITE("router_errors") {

TEST_CASE("a thrown exception becomes a 500 without its details, JSON when the client accepts JSON") {
    Fixture f;
    auto text = http_fetch(f.port(), "GET", "/throw/std");
    CHECK(text.status == 500);
    CHECK(text.header("content-type") == "text/plain; charset=utf-8");
    CHECK(text.body == "Internal Server Error\n");
    CHECK(text.header("x-content-type-options") == "nosniff");
    auto missing = http_fetch(f.port(), "GET", "/<script>alert(1)</script>");
    CHECK(missing.status == 404);
    CHECK(missing.header("content-type") == "text/plain; charset=utf-8");
    CHECK(missing.header("x-content-type-options") == "nosniff");  // the path is echoed: no sniffing into HTML
    auto json = http_fetch(f.port(), "GET", "/throw/std", "Accept: application/json\r\n");
    CHECK(json.status == 500);
    CHECK(json.header("content-type") == "application/json; charset=utf-8");
    CHECK(json.body == R"({"error":"Internal Server Error"})");
    CHECK(http_fetch(f.port(), "GET", "/throw/int").status == 500);
    CHECK(f.server.stop());
}

TEST_CASE("a thrown duplex::Error and next(err) answer with their 4xx status and message") {
    Fixture f;
    auto tea = http_fetch(f.port(), "GET", "/throw/teapot", "Accept: application/json\r\n");
    CHECK(tea.status == 418);
    CHECK(tea.body == R"({"error":"short and stout"})");
    auto conflict = http_fetch(f.port(), "GET", "/next-err");
    CHECK(conflict.status == 409);
    CHECK(conflict.body == "conflict here\n");
    CHECK(f.server.stop());
}

TEST_CASE("error layers answer, rewrite with next(err) or pass on with next()") {
    Fixture f;
    auto handled = http_fetch(f.port(), "GET", "/handled/500");
    CHECK(handled.status == 299);
    CHECK(handled.body == R"({"handled":"code 500"})");
    auto rewritten = http_fetch(f.port(), "GET", "/handled/400");
    CHECK(rewritten.status == 422);
    CHECK(rewritten.body == "second layer: rewritten");
    auto passed = http_fetch(f.port(), "GET", "/handled/404");
    CHECK(passed.status == 404);
    CHECK(passed.body == "second layer: code 404");
    auto sub = http_fetch(f.port(), "GET", "/sub/boom");
    CHECK(sub.status == 400);
    CHECK(sub.body == R"({"sub_error":"sub boom"})");
    CHECK(f.server.stop());
}

TEST_CASE("next() called twice continues once") {
    Fixture f;
    auto r = http_fetch(f.port(), "GET", "/double-next");
    CHECK(r.status == 200);
    CHECK(r.body == "once");
    CHECK(f.after_double_next == 1);
    CHECK(f.server.stop());
}

TEST_CASE("async handlers answer later from a loop timer; a late next(err) reaches the final handler") {
    Fixture f;
    auto r = http_fetch(f.port(), "GET", "/async");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"late":true,"path":"/async"})");
    auto e = http_fetch(f.port(), "GET", "/async-next-err");
    CHECK(e.status == 503);
    CHECK(e.body == "Internal Server Error\n");
    CHECK(f.server.stop());
}

TEST_CASE("body::json: parsed value, 400 for invalid or empty JSON, 413 over its limit") {
    Fixture f;
    auto ok = http_fetch(f.port(), "POST", "/json", "Content-Type: application/json\r\n", R"({"a":[1,2]})");
    CHECK(ok.status == 200);
    CHECK(ok.body == R"({"got":{"a":[1,2]}})");
    auto bad = http_fetch(f.port(), "POST", "/json", "Accept: application/json\r\n", "{nope");
    CHECK(bad.status == 400);
    CHECK(nlohmann::json::parse(bad.body).contains("error"));
    CHECK(http_fetch(f.port(), "POST", "/json", "", "").status == 400);
    auto big = http_fetch(f.port(), "POST", "/json", "", "[" + std::string(100, '1') + "]");
    CHECK(big.status == 413);
    CHECK(http_fetch(f.port(), "POST", "/json", "", R"([{"a":[1]}])").status == 200);
    auto deep = http_fetch(f.port(), "POST", "/json", "", R"([{"a":[[1]]}])");
    CHECK(deep.status == 400);
    CHECK(deep.body.find("JSON body nested deeper than 3 levels") != std::string::npos);
    CHECK(http_fetch(f.port(), "POST", "/json", "", R"(["[[[[", {"\"[[": "{{{{"}])").status == 200);
    CHECK(f.server.stop());
}

}  // TEST_SUITE
