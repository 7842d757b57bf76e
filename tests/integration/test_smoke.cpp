// The fixtures themselves: a server on port 0 answers, and stops gracefully within its bound.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

using namespace testing_support;

TEST_SUITE("smoke") {
TEST_CASE("a route answers on port 0 and the server stops by itself") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/ping", [](duplex::Request&, duplex::Response& res) { res.send("pong"); });
    });
    REQUIRE(server.http_port() > 0);
    auto r = http_request(server.http_port(), "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "pong");
    CHECK(r->header("content-type") == "text/plain; charset=utf-8");
    CHECK(server.stop());
}
}
