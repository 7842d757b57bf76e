// Limits (413/414/431), parser errors and smuggling shapes (400), Expect: 100-continue (100/417) through a
// real server: each error answers with its status, says Connection: close, closes, and never reaches a
// handler or another connection.
#include "support/http_checks.h"
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>

using namespace testing_support;

namespace {

duplex::HttpOptions small_limits() {
    duplex::HttpOptions opt;
    opt.max_url_bytes = 256;
    opt.max_header_bytes = 1024;
    opt.max_header_count = 10;
    opt.max_body_bytes = 4096;
    return opt;
}

// A server whose /echo answers the body it got and counts the requests it handled.
struct EchoServer {
    std::atomic<int> handled{0};
    ServerThread server;
    explicit EchoServer(duplex::HttpOptions opt = small_limits())
        : server(
              [this](duplex::App& app, duplex::WsServer&) {
                  app.all("/echo", [this](duplex::Request& req, duplex::Response& res) {
                      ++handled;
                      res.send(std::string(req.body()));
                  });
              },
              opt) {}
    int port() const { return server.http_port(); }
};

}  // namespace

TEST_SUITE("http_limits") {

TEST_CASE("414 for a request-target over max_url_bytes") {
    EchoServer s;
    expect_error_and_close(s.port(), "GET /echo?" + std::string(300, 'q') + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("431 for header bytes over the limit and for too many header lines") {
    EchoServer s;
    expect_error_and_close(s.port(), "GET /echo HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(1100, 'h') + "\r\n\r\n",
                           431);
    std::string many = "GET /echo HTTP/1.1\r\nHost: t\r\n";
    for (int i = 0; i < 11; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    expect_error_and_close(s.port(), many + "\r\n", 431);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("413 for a 1 GB Content-Length, answered without reading the body") {
    EchoServer s;
    RawClient c(s.port());
    auto started = std::chrono::steady_clock::now();
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n" + std::string(1000, 'b')));
    auto r = c.read_response(2s);
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed(2s));
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("413 for a chunked body that grows over the limit") {
    EchoServer s;
    std::string chunk(1000, 'c');
    std::string req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 5; ++i) req += "3e8\r\n" + chunk + "\r\n";
    expect_error_and_close(s.port(), req + "0\r\n\r\n", 413);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("a body exactly at the limit is accepted") {
    EchoServer s;
    std::string body(4096, 'x');
    auto r = http_request(s.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" + body);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == body);
    CHECK(s.server.stop());
}

TEST_CASE("parser errors answer 400 and close; requests before them are still answered") {
    EchoServer s;
    expect_error_and_close(s.port(), "GET /echo HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400);
    expect_error_and_close(s.port(), "NOT-HTTP\r\n\r\n", 400);
    expect_error_and_close(s.port(), "GET /echo HTTP/1.1\r\nHost: t\r\nX: a\x7fz\x01\r\n\r\n", 400);

    RawClient c(s.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok"
                   "GET /echo HTTP/1.1\r\nHost: t\r\nA B: c\r\n\r\n"));
    auto first = c.read_response();
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(first->body == "ok");
    auto second = c.read_response();
    REQUIRE(second);
    CHECK(second->status == 400);
    CHECK(c.wait_closed(2s));
    CHECK(s.handled == 1);
    CHECK(s.server.stop());
}

TEST_CASE("smuggling shapes are rejected before any handler runs") {
    EchoServer s;
    // CL + TE: the hidden second request must never be seen.
    expect_error_and_close(s.port(),
                           "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "0\r\n\r\nGET /echo HTTP/1.1\r\nHost: t\r\n\r\n",
                           400);
    expect_error_and_close(s.port(),
                           "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc", 400);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("Expect: 100-continue gets 100 before the body is sent, then the answer") {
    EchoServer s;
    RawClient c(s.port());
    REQUIRE(c.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    auto interim = c.recv_until("\r\n\r\n", 2s);
    REQUIRE(interim);
    CHECK(*interim == "HTTP/1.1 100 Continue\r\n\r\n");
    REQUIRE(c.send("hello"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello");
    CHECK(s.server.stop());
}

TEST_CASE("Expect: 100-continue over the body limit gets 413 and no 100; other expectations get 417") {
    EchoServer s;
    RawClient c(s.port());
    REQUIRE(c.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(c.wait_closed(2s));
    expect_error_and_close(s.port(), "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nExpect: teapot\r\n\r\nz",
                           417);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("a failing connection does not disturb another one mid-request") {
    EchoServer s;
    RawClient good(s.port());
    REQUIRE(good.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nhal"));
    expect_error_and_close(s.port(), "GET /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                           400);
    expect_error_and_close(s.port(), "GET /echo HTTP/1.1\r\nHost: t\r\nX: " + std::string(2000, 'x') + "\r\n\r\n", 431);
    {
        RawClient rude(s.port());
        REQUIRE(rude.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial"));
        rude.reset();
    }
    REQUIRE(good.send("f!!"));
    auto r = good.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hal" "f!!");
    CHECK(s.server.stop());
}

}  // TEST_SUITE
