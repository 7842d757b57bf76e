// The opening handshake of a WebSocket-only listener (RFC 6455 4.2): exact accept key, refusals as plain HTTP
// (426 + Sec-WebSocket-Version, 400 on bad keys, 404 on unknown paths, 426 on plain requests), the
// Connection token list, subprotocol selection, the onupgrade and check_origin hooks, and frames that arrive
// in the same packet as the request.
#include "support/server_thread.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

using namespace testing_support;

namespace {

duplex::WsRoute echo_route() {
    return {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }};
}

struct HandshakeServer {
    ServerThread server{[](duplex::App&, duplex::WsServer& wss) {
        wss.route("/echo", echo_route());
        duplex::WsRoute chat = echo_route();
        chat.select_protocol = [](const std::vector<std::string_view>& offered) {
            for (std::string_view p : {"v2", "v1"})
                for (std::string_view o : offered)
                    if (o == p) return std::string(p);
            return std::string();
        };
        chat.check_origin = [](std::string_view origin) { return origin == "https://good.example"; };
        wss.route("/chat", std::move(chat));
        duplex::WsRoute guarded = echo_route();
        guarded.onupgrade = [](duplex::Request& req, duplex::Response& res) {
            if (req.header("x-token") == "yes") return true;
            res.status(401).send("no token");
            return false;
        };
        wss.route("/guarded", std::move(guarded));
        duplex::WsRoute silent = echo_route();
        silent.onupgrade = [](duplex::Request&, duplex::Response&) { return false; };
        wss.route("/silent", std::move(silent));
    }};
    int port() const { return server.ws_port(); }
};

// A handshake request with every header given by the caller.
std::optional<HttpResponse> ask(int port, const std::string& target, const std::string& headers,
                                const std::string& method = "GET") {
    return http_request(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
}

std::string headers_with(const std::string& version, const std::string& key,
                         const std::string& connection = "Upgrade") {
    std::string h = "Upgrade: websocket\r\nConnection: " + connection + "\r\n";
    if (!version.empty()) h += "Sec-WebSocket-Version: " + version + "\r\n";
    if (!key.empty()) h += "Sec-WebSocket-Key: " + key + "\r\n";
    return h;
}

const std::string kKey(kSampleKey);

}  // namespace

TEST_SUITE("ws handshake") {
TEST_CASE("101 with the exact Sec-WebSocket-Accept of RFC 6455 section 1.3") {
    HandshakeServer s;
    WsRawClient c(s.port());
    auto r = c.handshake("/echo");
    REQUIRE(r);
    CHECK(r->status == 101);
    CHECK(r->header("sec-websocket-accept") == kSampleAccept);
    CHECK(r->header("upgrade") == "websocket");
    CHECK(r->header("connection") == "Upgrade");
    CHECK_FALSE(r->has("sec-websocket-protocol"));
    CHECK_FALSE(r->has("sec-websocket-extensions"));
    REQUIRE(c.send_text("first"));
    CHECK(c.read_message() == "first");
}

TEST_CASE("a version other than 13 gets 426 with Sec-WebSocket-Version: 13") {
    HandshakeServer s;
    for (const std::string v : {"8", "12", "14", "abc"}) {
        CAPTURE(v);
        auto r = ask(s.port(), "/echo", headers_with(v, kKey));
        REQUIRE(r);
        CHECK(r->status == 426);
        CHECK(r->header("sec-websocket-version") == "13");
    }
}

TEST_CASE("a key that is not base64 of 16 bytes gets 400") {
    HandshakeServer s;
    for (const std::string key : {"AAAAAAAAAAAAAAAAAAAA",       // 15 bytes
                                  "AAAAAAAAAAAAAAAAAAAAAAA=",   // 17 bytes
                                  "AAAAAAAAAAAAAAAAAAAAAAAAAA==",
                                  "!!!!!!!!!!!!!!!!!!!!!!=="}) {  // not base64
        CAPTURE(key);
        auto r = ask(s.port(), "/echo", headers_with("13", key));
        REQUIRE(r);
        CHECK(r->status == 400);
    }
    auto missing = ask(s.port(), "/echo", headers_with("13", ""));
    REQUIRE(missing);
    CHECK(missing->status == 400);
}

TEST_CASE("a key or a version sent twice is refused (RFC 6455 11.3.1, 11.3.5)") {
    HandshakeServer s;
    const std::string other = "AQIDBAUGBwgJCgsMDQ4PEA==";
    auto two_keys = ask(s.port(), "/echo", headers_with("13", kKey) + "Sec-WebSocket-Key: " + other + "\r\n");
    REQUIRE(two_keys);
    CHECK(two_keys->status == 400);
    auto same_key_twice = ask(s.port(), "/echo", headers_with("13", kKey) + "Sec-WebSocket-Key: " + kKey + "\r\n");
    REQUIRE(same_key_twice);
    CHECK(same_key_twice->status == 400);
    auto two_versions = ask(s.port(), "/echo", headers_with("13", kKey) + "Sec-WebSocket-Version: 8\r\n");
    REQUIRE(two_versions);
    CHECK(two_versions->status == 426);
    CHECK(two_versions->header("sec-websocket-version") == "13");
}

TEST_CASE("Connection is a case-insensitive token list") {
    HandshakeServer s;
    for (const std::string connection : {"keep-alive, Upgrade", "upgrade", "Keep-Alive,UPGRADE"}) {
        CAPTURE(connection);
        auto r = ask(s.port(), "/echo", headers_with("13", kKey, connection));
        REQUIRE(r);
        CHECK(r->status == 101);
    }
}

TEST_CASE("unknown path gets 404, a plain request gets 426") {
    HandshakeServer s;
    auto unknown = ask(s.port(), "/nowhere", headers_with("13", kKey));
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto plain = ask(s.port(), "/echo", "");
    REQUIRE(plain);
    CHECK(plain->status == 426);
    auto plain_unknown = ask(s.port(), "/nowhere", "");
    REQUIRE(plain_unknown);
    CHECK(plain_unknown->status == 426);
    auto no_upgrade_token = ask(s.port(), "/echo", headers_with("13", kKey, "keep-alive"));
    REQUIRE(no_upgrade_token);
    CHECK(no_upgrade_token->status == 426);
}

TEST_CASE("the subprotocol is the one the route selects among those offered") {
    HandshakeServer s;
    const std::string origin = "Origin: https://good.example\r\n";
    struct Case {
        std::string offer;
        std::string chosen;
    };
    for (const Case& k : {Case{"v1, v2", "v2"}, Case{"v1", "v1"}, Case{"v3, v1", "v1"}, Case{"v3", ""}}) {
        CAPTURE(k.offer);
        WsRawClient c(s.port());
        auto r = c.handshake("/chat", origin + "Sec-WebSocket-Protocol: " + k.offer + "\r\n");
        REQUIRE(r);
        CHECK(r->status == 101);
        CHECK(r->header("sec-websocket-protocol") == k.chosen);
        CHECK(r->has("sec-websocket-protocol") == !k.chosen.empty());
    }
    // Offered over two header lines: one list.
    WsRawClient c(s.port());
    auto r = c.handshake("/chat", origin + "Sec-WebSocket-Protocol: v0\r\nSec-WebSocket-Protocol: v2\r\n");
    REQUIRE(r);
    CHECK(r->header("sec-websocket-protocol") == "v2");
}

TEST_CASE("check_origin refuses with 403") {
    HandshakeServer s;
    for (const std::string origin : {"https://evil.example", ""}) {
        CAPTURE(origin);
        WsRawClient c(s.port());
        auto r = c.handshake("/chat", origin.empty() ? "" : "Origin: " + origin + "\r\n");
        REQUIRE(r);
        CHECK(r->status == 403);
    }
}

TEST_CASE("onupgrade may refuse with its own status, or with 403 by default") {
    HandshakeServer s;
    auto refused = ask(s.port(), "/guarded", headers_with("13", kKey));
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(refused->body == "no token");
    auto allowed = ask(s.port(), "/guarded", headers_with("13", kKey) + "X-Token: yes\r\n");
    REQUIRE(allowed);
    CHECK(allowed->status == 101);
    auto silent = ask(s.port(), "/silent", headers_with("13", kKey));
    REQUIRE(silent);
    CHECK(silent->status == 403);
}

TEST_CASE("frames sent in the same packet as the request are not lost") {
    HandshakeServer s;
    RawClient c(s.port());
    REQUIRE(c.send(upgrade_request("/echo") + ws_frame("early") + ws_frame("bird", {.opcode = op::binary})));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 101);
    // Server frames: unmasked, FIN + opcode, 7-bit length.
    auto echoed = c.recv_exact(2 + 5 + 2 + 4);
    REQUIRE(echoed);
    CHECK(*echoed == std::string("\x81\x05" "early" "\x82\x04" "bird"));
}

TEST_CASE("onupgrade and onopen see the route's parameters, percent-decoded, and the query") {
    ServerThread server([](duplex::App&, duplex::WsServer& wss) {
        wss.route("/rooms/:room/*rest", {
            .onopen = [](duplex::WebSocket& ws, const duplex::Request& req) {
                ws.send(std::string(req.param("room")) + "|" + std::string(req.param("rest")) + "|" +
                        std::string(req.query("name").value_or("-")));
            },
            .onupgrade = [](duplex::Request& req, duplex::Response& res) {
                if (req.param("room") != "closed") return true;
                res.status(403).send("room " + std::string(req.param("room")) + " is closed");
                return false;
            },
        });
    });
    WsRawClient c(server.ws_port());
    REQUIRE(c.open("/rooms/caf%C3%A9/a/b?name=ada"));
    CHECK(c.read_message() == "caf\xC3\xA9|a/b|ada");
    auto refused = ask(server.ws_port(), "/rooms/closed/x", headers_with("13", kKey));
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CHECK(refused->body == "room closed is closed");
}
}
