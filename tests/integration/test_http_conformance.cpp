// RFC 9110/9112 conformance through a real server and raw sockets, one case per deviation a black-box probe
// found: chunk framing (smuggling), Host, chunk extensions and sizes, error answers to HEAD, Connection: close,
// versions, transfer codings, request-target forms and unknown methods. Every refusal closes the connection and
// never reaches a handler.
#include "support/http_checks.h"
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

// /api/hello/:name answers "hello <name>", /echo its body; `handled` counts the requests that got to either.
struct Server {
    std::atomic<int> handled{0};
    ServerThread server;
    explicit Server(duplex::HttpOptions opt = {})
        : server(
              [this](duplex::App& app, duplex::WsServer&) {
                  app.get("/api/hello/:name", [this](duplex::Request& req, duplex::Response& res) {
                      ++handled;
                      res.send("hello " + std::string(req.param("name")) + " " + std::string(req.query_string()));
                  });
                  app.all("/echo", [this](duplex::Request& req, duplex::Response& res) {
                      ++handled;
                      res.send(std::string(req.body()));
                  });
                  app.ws("/ws", {});
              },
              opt) {}
    int port() const { return server.http_port(); }
};

const std::string kChunkedPost = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";

// Sends `bytes` one byte per write, 2 ms apart, so that the server reads them in separate buffers.
bool send_byte_by_byte(RawClient& c, const std::string& bytes) {
    for (char b : bytes) {
        if (!c.send(std::string(1, b))) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

}  // namespace

TEST_SUITE("http_conformance") {

TEST_CASE("chunk data not followed by CRLF: 400 and close; the pipelined request behind it is never seen") {
    Server s;
    const std::string smuggled = "GET /api/hello/SMUGGLED HTTP/1.1\r\nHost: t\r\n\r\n";
    for (const char* after : {"XX", "\rX", "X\n", "  "}) {
        CAPTURE(after);
        expect_error_and_close(s.port(), kChunkedPost + "2\r\n[]" + after + "0\r\n\r\n" + smuggled, 400);
        // The same with the two bytes arriving in reads of their own.
        RawClient c(s.port());
        REQUIRE(c.send(kChunkedPost + "2\r\n[]"));
        REQUIRE(send_byte_by_byte(c, after));
        REQUIRE(c.send("0\r\n\r\n" + smuggled));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(c.wait_closed(2s));
    }
    expect_error_and_close(s.port(), kChunkedPost + "2\r\n[]\r\n0\r\n\n" + smuggled, 400);  // bare LF ends the trailers
    CHECK(s.handled == 0);

    // Correct framing, fed byte by byte: both requests answered.
    RawClient c(s.port());
    REQUIRE(send_byte_by_byte(c, kChunkedPost + "2\r\n[]\r\n0\r\n\r\n" + smuggled));
    auto first = c.read_response();
    auto second = c.read_response();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->body == "[]");
    CHECK(second->body == "hello SMUGGLED ");
    CHECK(s.server.stop());
}

TEST_CASE("Host: missing on HTTP/1.1, repeated or invalid: 400 and close; HTTP/1.0 may omit it") {
    Server s;
    expect_error_and_close(s.port(), "GET /api/hello/a HTTP/1.1\r\n\r\n", 400);
    expect_error_and_close(s.port(), "GET /api/hello/a HTTP/1.1\r\nHost: t\r\nHost: t\r\n\r\n", 400);
    for (const char* bad : {"a b", "a/b", "user@a", "<x>", "a:xyz", "a, b"})
        expect_error_and_close(s.port(), std::string("GET /api/hello/a HTTP/1.1\r\nHost: ") + bad + "\r\n\r\n", 400);
    // A WebSocket upgrade goes the same way.
    expect_error_and_close(s.port(),
                   "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                   400);
    CHECK(s.handled == 0);
    for (const char* good : {"GET /api/hello/a HTTP/1.0\r\n\r\n", "GET /api/hello/a HTTP/1.1\r\nHost: \r\n\r\n",
                             "GET /api/hello/a HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"}) {
        auto r = http_request(s.port(), good);
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    CHECK(s.server.stop());
}

TEST_CASE("chunk extensions past 16 KiB and chunk sizes past the body limit: 413 at once, and close") {
    Server s;
    auto started = std::chrono::steady_clock::now();
    {
        // 50 MB of extension would never end; the answer comes after the first 16 KiB or so.
        RawClient c(s.port());
        REQUIRE(c.send(kChunkedPost + "2;" + std::string(64 * 1024, 'a')));
        auto r = c.read_response(3s);
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(c.wait_closed(2s));
    }
    for (const char* size : {"7FFFFFFF", "FFFFFFFFFFFFFFFF", "100001"}) {
        CAPTURE(size);
        RawClient c(s.port());
        REQUIRE(c.send(kChunkedPost + size + "\r\nsome data"));
        auto r = c.read_response(3s);
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(c.wait_closed(2s));
    }
    CHECK(std::chrono::steady_clock::now() - started < 5s);  // nobody waited for the 30 s body timeout
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("error answers to HEAD carry no body; Content-Length is the one GET would get") {
    duplex::HttpOptions opt;
    opt.max_url_bytes = 64;
    opt.max_header_bytes = 256;
    opt.max_body_bytes = 16;
    Server s(opt);
    struct Case {
        std::string request;
        int status;
    };
    const Case cases[] = {
        {"HEAD /echo HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400},
        {"HEAD /echo?" + std::string(100, 'q') + " HTTP/1.1\r\nHost: t\r\n\r\n", 414},
        {"HEAD /echo HTTP/1.1\r\nHost: t\r\nX: " + std::string(300, 'x') + "\r\n\r\n", 431},
        {"HEAD /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 413},
        {"HEAD /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n", 417},
        {"HEAD /echo HTTP/1.1\r\n\r\n", 400},
    };
    for (const Case& k : cases) {
        CAPTURE(k.status);
        RawClient c(s.port());
        REQUIRE(c.send(k.request));
        auto r = c.read_response(5s, true);
        REQUIRE(r);
        CHECK(r->status == k.status);
        CHECK(std::stoul(r->header("content-length")) > 0);
        c.recv_some(200ms);
        CHECK(c.buffer().empty());  // nothing after the head
        CHECK(c.wait_closed(2s));
        // The same request as GET: the body the HEAD left out has the announced length.
        std::string as_get = "GET" + k.request.substr(4);
        auto g = http_request(s.port(), as_get);
        REQUIRE(g);
        CHECK(g->status == k.status);
        CHECK(g->body.size() == std::stoul(r->header("content-length")));
    }
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("a close token in any Connection line closes after the answer, on HTTP/1.0 and 1.1") {
    Server s;
    for (const char* req : {"GET /api/hello/a HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
                            "GET /api/hello/a HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
                            "GET /api/hello/a HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n"
                            "Connection: Close\r\n\r\n"}) {
        CAPTURE(req);
        RawClient c(s.port());
        REQUIRE(c.send(std::string(req) + "GET /api/hello/b HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "hello a ");
        CHECK(c.wait_closed(2s));  // and the second request is not answered
    }
    CHECK(s.handled == 3);
    CHECK(s.server.stop());
}

TEST_CASE("versions: 505 and close for HTTP/0.9 and majors other than 1; HTTP/1.2 is served as 1.1; none is 400") {
    Server s;
    for (const char* v : {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
        expect_error_and_close(s.port(), std::string("GET /api/hello/a ") + v + "\r\nHost: t\r\n\r\n", 505);
    // No version at all is a malformed request-line (RFC 9112 3).
    expect_error_and_close(s.port(), "GET /api/hello/a\r\n", 400);
    expect_error_and_close(s.port(), "GET /api/hello/a\r\n\r\n", 400);
    CHECK(s.handled == 0);
    RawClient c(s.port());
    REQUIRE(c.send("GET /api/hello/a HTTP/1.2\r\nHost: t\r\n\r\n"));
    auto head = c.recv_until("\r\n", 2s);
    REQUIRE(head);
    CHECK(*head == "HTTP/1.1 200 OK\r\n");
    CHECK(s.server.stop());
}

TEST_CASE("obsolete line folding: 400 and close, a folded Transfer-Encoding included (RFC 9112 5.2)") {
    Server s;
    // llhttp alone would join the lines and read the body as chunked; a proxy in front may not.
    expect_error_and_close(s.port(),
                   "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n", 400);
    expect_error_and_close(s.port(), "GET /api/hello/a HTTP/1.1\r\nHost: t\r\nX-A: one\r\n\ttwo\r\n\r\n", 400);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("a handler's Connection header closes on a close token only, as the request side reads it") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/conn/:value", [](duplex::Request& req, duplex::Response& res) {
            res.set("Connection", req.param("value")).send("ok");
        });
    });
    auto answer = [&](const std::string& value) {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /conn/" + value + " HTTP/1.1\r\nHost: t\r\n\r\n"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        // Still open: a second request on the same connection is answered.
        const bool open = c.send("GET /conn/x HTTP/1.1\r\nHost: t\r\n\r\n") && c.read_response(2s).has_value();
        return open;
    };
    CHECK(answer("x-closed"));       // "close" inside another token: no close
    CHECK(answer("closed"));
    CHECK_FALSE(answer("CLOSE"));    // tokens are case-insensitive
    CHECK_FALSE(answer("x-a%2C%20close"));  // one element of a list
    CHECK(server.stop());
}

TEST_CASE("transfer codings other than chunked: 501 and close") {
    Server s;
    expect_error_and_close(s.port(),
                   "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
                   501);
    expect_error_and_close(s.port(),
                   "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2\r\n[]\r\n0\r\n\r\n",
                   501);
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

TEST_CASE("request-target forms: absolute-form is routed on its path; asterisk outside OPTIONS and '#' get 400") {
    Server s;
    auto r = http_request(s.port(), "GET http://x/api/hello/abs?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello abs q=1");
    expect_error_and_close(s.port(), "GET * HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    expect_error_and_close(s.port(), "GET /api/hello/a#frag HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    CHECK(s.handled == 1);
    CHECK(s.server.stop());
}

TEST_CASE("an unknown method: 501 and close, also when it arrives byte by byte; garbage stays 400") {
    Server s;
    expect_error_and_close(s.port(), "FOO /api/hello/a HTTP/1.1\r\nHost: t\r\n\r\n", 501);
    expect_error_and_close(s.port(), "QUERY /echo HTTP/1.1\r\nHost: t\r\n\r\n", 501);
    expect_error_and_close(s.port(), "G@T /echo HTTP/1.1\r\nHost: t\r\n\r\n", 400);
    RawClient c(s.port());
    REQUIRE(send_byte_by_byte(c, "GETX /echo HTTP/1.1\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 501);
    CHECK(c.wait_closed(2s));
    CHECK(s.handled == 0);
    CHECK(s.server.stop());
}

}  // TEST_SUITE
