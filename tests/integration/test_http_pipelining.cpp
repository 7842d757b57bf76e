// Keep-alive, pipelining (order and the max_pipelined bound), HTTP/1.0 connection rules and the Date header,
// through a real server and raw sockets.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <ctime>
#include <string>

using namespace testing_support;

namespace {

std::string get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

// /n/:i answers its own number; /slow/:i answers after 30 ms from a loop timer.
void number_routes(duplex::App& app) {
    app.get("/n/:i", [](duplex::Request& req, duplex::Response& res) { res.send(std::string(req.param("i"))); });
    app.get("/slow/:i", [&app](duplex::Request& req, duplex::Response& res) {
        app.loop().set_timeout(std::chrono::milliseconds(30),
                               [res, i = std::string(req.param("i"))]() mutable { res.send(i); });
    });
}

}  // namespace

TEST_SUITE("http_pipelining") {

TEST_CASE("keep-alive: several requests on one connection") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    RawClient c(server.http_port());
    for (int i = 0; i < 5; ++i) {
        REQUIRE(c.send(get("/n/" + std::to_string(i))));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == std::to_string(i));
        CHECK_FALSE(r->has("connection"));
    }
    CHECK(server.stop());
}

TEST_CASE("100 requests in one write are answered in order") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    std::string burst;
    for (int i = 0; i < 100; ++i) burst += get("/n/" + std::to_string(i));
    RawClient c(server.http_port());
    REQUIRE(c.send(burst));
    for (int i = 0; i < 100; ++i) {
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == std::to_string(i));
    }
    CHECK(c.recv_some(50ms).empty());  // nothing more than one answer each
    CHECK(server.stop());
}

TEST_CASE("a slow first response holds back the fast ones behind it") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    RawClient c(server.http_port());
    REQUIRE(c.send(get("/slow/first") + get("/n/second") + get("/slow/third") + get("/n/fourth")));
    for (const char* want : {"first", "second", "third", "fourth"}) {
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->body == want);
    }
    CHECK(server.stop());
}

TEST_CASE("reading pauses at max_pipelined and resumes as responses drain") {
    std::atomic<int> outstanding{0}, peak{0}, handled{0};
    duplex::HttpOptions opt;
    opt.max_pipelined = 3;
    ServerThread server(
        [&](duplex::App& app, duplex::WsServer&) {
            app.get("/a/:i", [&](duplex::Request& req, duplex::Response& res) {
                int now = ++outstanding;
                peak = std::max(peak.load(), now);
                ++handled;
                app.loop().set_timeout(std::chrono::milliseconds(10), [&, res, i = std::string(req.param("i"))]() mutable {
                    --outstanding;
                    res.send(i);
                });
            });
        },
        opt);
    std::string burst;
    for (int i = 0; i < 20; ++i) burst += get("/a/" + std::to_string(i));
    RawClient c(server.http_port());
    REQUIRE(c.send(burst));
    for (int i = 0; i < 20; ++i) {
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->body == std::to_string(i));
    }
    CHECK(handled == 20);
    CHECK(peak >= 2);  // pipelining did happen
    CHECK(peak <= 3);  // and never beyond the bound
    CHECK(server.stop());
}

TEST_CASE("HTTP/1.1 Connection: close answers and closes") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    RawClient c(server.http_port());
    REQUIRE(c.send(get("/n/1", "Connection: close\r\n") + get("/n/2")));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == "1");
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed(2s));
    CHECK(c.buffer().empty());  // the request after close was not answered
    CHECK(server.stop());
}

TEST_CASE("HTTP/1.0 closes by default and keeps the connection when keep-alive is asked") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /n/7 HTTP/1.0\r\n\r\n"));
        CHECK(c.recv_some().starts_with("HTTP/1.1 200 OK\r\n"));  // our version (RFC 9110 2.5)
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "7");
        CHECK(r->header("connection") == "close");
        CHECK(c.wait_closed(2s));
    }
    {
        RawClient c(server.http_port());
        for (int i = 0; i < 2; ++i) {
            REQUIRE(c.send("GET /n/" + std::to_string(i) + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
            auto r = c.read_response();
            REQUIRE(r);
            CHECK(r->body == std::to_string(i));
            CHECK(r->header("connection") == "keep-alive");
            CHECK(r->header("transfer-encoding").empty());
        }
    }
    CHECK(server.stop());
}

TEST_CASE("HTTP/1.0 streamed response is close-delimited, never chunked") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/stream", [](duplex::Request&, duplex::Response& res) {
            res.write("ab");
            res.write("cd");
            res.end();
        });
    });
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("transfer-encoding").empty());
    CHECK(r->body == "abcd");
    CHECK(server.stop());
}

TEST_CASE("every response carries an IMF-fixdate Date close to now") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) { number_routes(app); });
    auto r = http_request(server.http_port(), get("/n/1"));
    REQUIRE(r);
    std::string date = r->header("date");
    REQUIRE(date.size() == 29);  // "Sun, 06 Nov 1994 08:49:37 GMT"
    CHECK(date.substr(25) == " GMT");
    std::tm tm{};
    REQUIRE(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr);
    std::time_t sent = timegm(&tm);
    CHECK(std::abs(std::difftime(std::time(nullptr), sent)) <= 2.0);
    auto missing = http_request(server.http_port(), get("/missing"));
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->has("date"));
    CHECK(server.stop());
}

}  // TEST_SUITE
