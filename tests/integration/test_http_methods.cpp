// Method handling through a real server: HEAD (same head as GET, no body), automatic OPTIONS and 405 with
// Allow, 404, custom OPTIONS routes, and curl as a second, independent client.
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/skip.h"

#include <doctest/doctest.h>

#include <string>

using namespace testing_support;

namespace {

const std::string kText = "the quick brown fox\n";

void routes(duplex::App& app, duplex::WsServer&) {
    app.get("/text", [](duplex::Request&, duplex::Response& res) {
        res.set("X-Custom", "yes").send(kText);
    });
    app.get("/json", [](duplex::Request&, duplex::Response& res) { res.json({{"a", 1}}); });
    app.post("/text", [](duplex::Request&, duplex::Response& res) { res.status(201).send("created"); });
    app.del("/only-delete", [](duplex::Request&, duplex::Response& res) { res.status(204).end(); });
    // app.options is Router::options (the OPTIONS route); the App's HttpOptions are app.http_options().
    app.options("/custom-options", [](duplex::Request&, duplex::Response& res) { res.set("X-Opt", "1").send("o"); });
    app.get("/max-body", [&app](duplex::Request&, duplex::Response& res) {
        res.send(std::to_string(app.http_options().max_body_bytes));
    });
    app.get("/custom-options", [](duplex::Request&, duplex::Response& res) { res.send("g"); });
    app.get("/streamed", [](duplex::Request&, duplex::Response& res) {
        res.write("part1,");
        res.write("part2");
        res.end();
    });
}

std::string req(const std::string& method, const std::string& target) {
    return method + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

}  // namespace

TEST_SUITE("http_methods") {

TEST_CASE("HEAD has GET's status and headers, the same Content-Length, and no body") {
    ServerThread server(routes);
    RawClient c(server.http_port());
    REQUIRE(c.send(req("GET", "/text") + req("HEAD", "/text") + req("GET", "/json")));
    auto get = c.read_response();
    auto head = c.read_response(5s, true);
    auto after = c.read_response();  // parses right only if HEAD sent no body bytes
    REQUIRE(get);
    REQUIRE(head);
    REQUIRE(after);
    CHECK(get->body == kText);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == std::to_string(kText.size()));
    CHECK(head->header("content-type") == get->header("content-type"));
    CHECK(head->header("x-custom") == "yes");
    CHECK(after->status == 200);
    CHECK(after->body == R"({"a":1})");
    CHECK(server.stop());
}

TEST_CASE("HEAD of a streamed response sends no body bytes") {
    ServerThread server(routes);
    RawClient c(server.http_port());
    REQUIRE(c.send(req("HEAD", "/streamed") + req("GET", "/text")));
    auto head = c.read_response(5s, true);
    REQUIRE(head);
    CHECK(head->status == 200);
    auto next = c.read_response();
    REQUIRE(next);
    CHECK(next->body == kText);
    CHECK(server.stop());
}

TEST_CASE("405 with Allow for a known path under another method") {
    ServerThread server(routes);
    auto r = http_request(server.http_port(), req("PUT", "/text"));
    REQUIRE(r);
    CHECK(r->status == 405);
    CHECK(r->header("allow") == "GET, HEAD, POST, OPTIONS");
    auto d = http_request(server.http_port(), req("GET", "/only-delete"));
    REQUIRE(d);
    CHECK(d->status == 405);
    CHECK(d->header("allow") == "DELETE, OPTIONS");
    CHECK(server.stop());
}

TEST_CASE("automatic OPTIONS answers 204 with Allow; an explicit OPTIONS route wins") {
    ServerThread server(routes);
    auto r = http_request(server.http_port(), req("OPTIONS", "/text"));
    REQUIRE(r);
    CHECK(r->status == 204);
    CHECK(r->header("allow") == "GET, HEAD, POST, OPTIONS");
    CHECK(r->body.empty());
    auto custom = http_request(server.http_port(), req("OPTIONS", "/custom-options"));
    REQUIRE(custom);
    CHECK(custom->status == 200);
    CHECK(custom->header("x-opt") == "1");
    CHECK(custom->body == "o");
    CHECK(server.stop());
}

TEST_CASE("app.http_options() is what the App was built with") {
    ServerThread server(routes, {.max_body_bytes = 12345});
    auto r = http_request(server.http_port(), req("GET", "/max-body"));
    REQUIRE(r);
    CHECK(r->body == "12345");
}

TEST_CASE("404 for unknown paths and unknown methods on them") {
    ServerThread server(routes);
    auto r = http_request(server.http_port(), req("GET", "/nothing/here"));
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->header("content-type") == "text/plain; charset=utf-8");
    CHECK(r->body == "Cannot GET /nothing/here\n");
    auto o = http_request(server.http_port(), req("OPTIONS", "/nothing"));
    REQUIRE(o);
    CHECK(o->status == 404);
    auto h = http_request(server.http_port(), req("HEAD", "/nothing"), true);
    REQUIRE(h);
    CHECK(h->status == 404);
    CHECK(server.stop());
}

TEST_CASE("curl: GET, HEAD, POST, 405 and keep-alive reuse") {
    if (!have_program("curl")) {
        DUPLEX_SKIP("curl not found");
    }
    ServerThread server(routes);
    std::string base = "http://127.0.0.1:" + std::to_string(server.http_port());
    auto [rc, out] = run_command({"curl", "-sS", "-w", "|%{http_code}|%{num_connects}", base + "/text", base + "/text"});
    CHECK(rc == 0);
    CHECK(out == kText + "|200|1" + kText + "|200|0");  // the second transfer reused the connection

    auto [hrc, head] = run_command({"curl", "-sS", "-I", base + "/text"});
    CHECK(hrc == 0);
    CHECK(head.find("HTTP/1.1 200 OK\r\n") == 0);
    CHECK(head.find("Content-Length: " + std::to_string(kText.size()) + "\r\n") != std::string::npos);

    auto [prc, post] = run_command({"curl", "-sS", "-w", "|%{http_code}", "-d", "x=1", base + "/text"});
    CHECK(prc == 0);
    CHECK(post == "created|201");

    auto [drc, del] = run_command({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
                                   base + "/text"});
    CHECK(drc == 0);
    CHECK(del == "405");
    CHECK(server.stop());
}

}  // TEST_SUITE
