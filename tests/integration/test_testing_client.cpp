// duplex::testing::TestClient (duplex/testing.h) against Apps in this test's own loop: every method, headers and
// bodies, JSON, cookies, redirects, WebSocket echo/binary/close codes, and bounded waits that fail instead of
// hanging; remote() against a server on another thread.
#include "support/server_thread.h"

#include <duplex/duplex.h>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using duplex::testing::TestClient;
using duplex::testing::Timeout;
using namespace std::chrono_literals;

namespace {

// The App every case below tests: one route per feature.
void routes(duplex::App& app) {
    app.get("/api/hello/:name", [](duplex::Request& req, duplex::Response& res) {
        res.set("X-Accept", req.header("accept")).json({{"hello", req.param("name")}});
    });
    app.all("/method", [](duplex::Request& req, duplex::Response& res) {
        res.set("X-Method", req.method()).send(std::string(req.method()) + ":" + std::string(req.body()));
    });
    app.post("/api/echo", duplex::body::json(), [](duplex::Request& req, duplex::Response& res) {
        res.status(201).json(req.json());
    });
    app.post("/form", duplex::body::urlencoded(), [](duplex::Request& req, duplex::Response& res) {
        res.send(std::string(req.form("a").value_or("-")) + "|" + std::string(req.form("b").value_or("-")));
    });
    app.get("/login", [](duplex::Request&, duplex::Response& res) {
        res.cookie("sid", "s 1;x").cookie("theme", "dark").send("in");
    });
    app.get("/whoami", [](duplex::Request& req, duplex::Response& res) {
        res.send(std::string(req.cookie("sid").value_or("nobody")) + "," +
                 std::string(req.cookie("theme").value_or("none")));
    });
    app.get("/logout", [](duplex::Request&, duplex::Response& res) { res.clear_cookie("sid").send("out"); });
    app.get("/old", [](duplex::Request&, duplex::Response& res) { res.redirect("/api/hello/moved", 301); });
    app.post("/submit", [](duplex::Request&, duplex::Response& res) { res.redirect("/method", 303); });
    app.get("/loop", [](duplex::Request&, duplex::Response& res) { res.redirect("/loop"); });
    app.get("/stream", [](duplex::Request&, duplex::Response& res) {
        res.write("one,");
        res.write("two");
        res.end();
    });
    app.ws("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) {
        if (m.data == "bye") return ws.close(4000, "asked");
        ws.send(m);
    }});
    app.ws("/cookie", {.onopen = [](duplex::WebSocket& ws, const duplex::Request& req) {
        ws.send(std::string(req.cookie("sid").value_or("none")));
    }});
    app.ws("/quiet", {});
}

}  // namespace

TEST_SUITE("testing_client") {

TEST_CASE("requests: every method, headers, JSON and form bodies, HEAD, streamed bodies, 404") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    routes(app);
    TestClient client(app);
    CHECK(client.http_port() == app.port());

    auto r = client.get("/api/hello/x").header("Accept", "application/json").send();
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json; charset=utf-8");
    CHECK(r.header("X-ACCEPT") == "application/json");
    CHECK(r.json() == nlohmann::json{{"hello", "x"}});

    CHECK(client.post("/method").body("data").send().body == "POST:data");
    CHECK(client.put("/method").body("p").send().body == "PUT:p");
    CHECK(client.patch("/method").send().body == "PATCH:");
    CHECK(client.del("/method").send().body == "DELETE:");
    CHECK(client.request("GET", "/method").send().header("x-method") == "GET");
    auto head = client.head("/method").send();
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(client.options("/api/echo").send().header("allow") == "POST, OPTIONS");

    auto echoed = client.post("/api/echo").json({{"a", {1, 2}}, {"s", "\xC3\xA9"}}).send();
    CHECK(echoed.status == 201);
    CHECK(echoed.json()["a"][1] == 2);
    CHECK(client.post("/api/echo").body("{oops", "application/json").send().status == 400);
    CHECK(client.post("/form").form({{"a", "x y&z"}, {"b", "%+"}}).send().body == "x y&z|%+");

    auto streamed = client.get("/stream").send();
    CHECK(streamed.header("transfer-encoding") == "chunked");
    CHECK(streamed.body == "one,two");
    auto missing = client.get("/nope").send();
    CHECK(missing.status == 404);
    CHECK_FALSE(missing.has_header("set-cookie"));
}

TEST_CASE("cookies are kept between requests and WebSocket handshakes; Max-Age=0 removes one") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    routes(app);
    TestClient client(app);
    CHECK(client.get("/whoami").send().body == "nobody,none");
    auto login = client.get("/login").send();
    CHECK(login.header_values("set-cookie").size() == 2);
    CHECK(client.cookie("theme") == "dark");
    CHECK(client.get("/whoami").send().body == "s 1;x,dark");  // percent-encoded on the wire, same bytes back
    auto ws = client.ws("/cookie");
    CHECK(ws.next_message() == "s 1;x");
    client.get("/logout").send();
    CHECK_FALSE(client.cookie("sid"));
    CHECK(client.get("/whoami").send().body == "nobody,dark");
    client.clear_cookies();
    client.set_cookie("sid", "manual");
    CHECK(client.get("/whoami").send().body == "manual,none");

    TestClient jarless(app, {.cookies = false});
    jarless.get("/login").send();
    CHECK(jarless.get("/whoami").send().body == "nobody,none");
}

TEST_CASE("redirects are returned as they are unless following is asked for") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    routes(app);
    TestClient client(app);
    auto moved = client.get("/old").send();
    CHECK(moved.status == 301);
    CHECK(moved.header("location") == "/api/hello/moved");
    CHECK(client.get("/old").follow_redirects().send().json()["hello"] == "moved");
    // 303 after a POST: the next request is a GET without the body.
    CHECK(client.post("/submit").body("x", "text/plain").follow_redirects().send().body == "GET:");
    // A loop stops after max_redirects with the last redirect.
    TestClient following(app, {.follow_redirects = true, .max_redirects = 3});
    CHECK(following.get("/loop").send().status == 302);
    CHECK(following.get("/old").follow_redirects(false).send().status == 301);
}

TEST_CASE("WebSockets: text and binary echo, close codes both ways, bounded waits") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    routes(app);
    TestClient client(app);
    auto ws = client.ws("/echo");
    CHECK(ws.socket().ready_state() == duplex::ReadyState::Open);
    ws.send("hi");
    CHECK(ws.next_message() == "hi");
    ws.send_binary(std::string("\0\xff", 2));
    auto bin = ws.next();
    CHECK(bin.binary);
    CHECK(bin == std::string("\0\xff", 2));
    ws.send("a");
    ws.send("b");
    client.run_for(50ms);
    CHECK(ws.pending() == 2);
    CHECK(ws.next_message() == "a");
    CHECK(ws.next_message() == "b");

    // Nothing comes: a clear failure within the bound, and the socket is still usable afterwards.
    const auto before = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(ws.next_message(200ms), Timeout);
    CHECK(std::chrono::steady_clock::now() - before < 5s);
    ws.send("still");
    CHECK(ws.next_message() == "still");

    ws.send("bye");  // the server closes with 4000
    auto closed = ws.wait_closed();
    CHECK(closed.code == 4000);
    CHECK(closed.reason == "asked");
    CHECK_THROWS_AS(ws.next_message(), Timeout);  // closed: fails at once instead of waiting

    auto other = client.ws("/quiet");
    other.close(4001, "done");
    CHECK(other.wait_closed().code == 4001);
    CHECK(other.close_event().has_value());
    // A refused handshake (no such endpoint) fails with the reason.
    CHECK_THROWS_WITH_AS(client.ws("/nowhere"), doctest::Contains("404"), Timeout);
}

TEST_CASE("a request without an answer fails within its bound; the client goes on afterwards") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    routes(app);
    std::vector<duplex::Response> parked;  // held, never answered: the client must give up on its own
    app.get("/never", [&parked](duplex::Request&, duplex::Response& res) { parked.push_back(res); });
    TestClient client(app, {.timeout = 300ms});
    const auto before = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(client.get("/never").send(), doctest::Contains("GET /never"), Timeout);
    CHECK(std::chrono::steady_clock::now() - before < 5s);
    CHECK(client.get("/api/hello/after").timeout(5s).send().status == 200);
    // Nothing listens on a closed port: a connect failure is reported, not waited out.
    TestClient nowhere = TestClient::remote("127.0.0.1", 1);
    CHECK_THROWS_WITH_AS(nowhere.get("/").send(), doctest::Contains("connect"), Timeout);
}

TEST_CASE("remote(): an App on another thread, with its WsServer on a port of its own") {
    testing_support::ServerThread server([](duplex::App& app, duplex::WsServer& wss) {
        routes(app);
        wss.route("/ws", {.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.send("world"); }});
    });
    TestClient client = TestClient::remote("127.0.0.1", server.http_port(), server.ws_port());
    CHECK(client.get("/api/hello/far").send().json()["hello"] == "far");
    auto ws = client.ws("/ws");
    CHECK(ws.next_message() == "world");
    // The client's loop runs only inside its calls: finish the closing handshake here, before the server's
    // graceful stop would wait for it.
    ws.close();
    CHECK(ws.wait_closed().code == 1000);
    CHECK(server.stop());
}

}  // TEST_SUITE
