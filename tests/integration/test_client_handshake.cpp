// What duplex::connect puts on the wire, as a ScriptedPeer reads it: the upgrade request (Host, target, key,
// version, subprotocols, the deflate offer, extra headers) and frames masked with a fresh key each.
#include "support/client_log.h"
#include "support/scripted_peer.h"

#include <doctest/doctest.h>

#include <set>

using namespace testing_support;

namespace {

struct ClientFrame {
    std::uint8_t opcode = 0;
    bool masked = false;
    std::string key;
    std::string payload;  // unmasked
};

// One client frame with a payload under 126 bytes.
std::optional<ClientFrame> read_small_frame(RawClient& conn) {
    std::optional<std::string> head = conn.recv_exact(2);
    if (!head) return std::nullopt;
    ClientFrame f;
    f.opcode = static_cast<std::uint8_t>((*head)[0] & 0x0f);
    f.masked = ((*head)[1] & 0x80) != 0;
    const std::size_t len = static_cast<std::size_t>((*head)[1] & 0x7f);
    if (len >= 126) return std::nullopt;
    std::optional<std::string> key = f.masked ? conn.recv_exact(4) : std::string();
    std::optional<std::string> body = conn.recv_exact(len);
    if (!key || !body) return std::nullopt;
    f.key = *key;
    f.payload = *body;
    for (std::size_t i = 0; f.masked && i < f.payload.size(); ++i) f.payload[i] ^= f.key[i % 4];
    return f;
}

// The value of a request header (first occurrence, exact name as we send it).
std::string header(const std::string& request, const std::string& name) {
    const std::size_t at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "<absent>";
    const std::size_t begin = at + name.size() + 4;
    return request.substr(begin, request.find("\r\n", begin) - begin);
}

}  // namespace

TEST_SUITE("client handshake") {
TEST_CASE("the upgrade request carries what the options ask for") {
    std::string request;
    ScriptedPeer peer([&](RawClient&, const std::string& r) { request = r; });
    REQUIRE(peer.port() > 0);
    duplex::ClientOptions options{
        .protocols = {"chat.v1", "chat.v2"},
        .headers = {{"Authorization", "Bearer abc"}, {"Origin", "http://example.com"}},
    };
    options.options.permessage_deflate = true;
    options.options.client_max_window_bits = 12;
    ClientLog log = exchange("ws://127.0.0.1:" + std::to_string(peer.port()) + "/chat?room=a&x=%20", options);
    CHECK(log.summary() == "error | close 1006  unclean");  // the peer hung up without answering
    peer.join();
    CHECK(request.rfind("GET /chat?room=a&x=%20 HTTP/1.1\r\n", 0) == 0);
    CHECK(header(request, "Host") == "127.0.0.1:" + std::to_string(peer.port()));
    CHECK(header(request, "Upgrade") == "websocket");
    CHECK(header(request, "Connection") == "Upgrade");
    CHECK(header(request, "Sec-WebSocket-Version") == "13");
    CHECK(header(request, "Sec-WebSocket-Key").size() == 24);  // base64 of 16 bytes
    CHECK(header(request, "Sec-WebSocket-Protocol") == "chat.v1, chat.v2");
    CHECK(header(request, "Sec-WebSocket-Extensions") ==
          "permessage-deflate; client_max_window_bits=12");
    CHECK(header(request, "Authorization") == "Bearer abc");
    CHECK(header(request, "Origin") == "http://example.com");
}

TEST_CASE("without options: no subprotocol, no extension, a fresh key per connection") {
    std::set<std::string> keys;
    for (int i = 0; i < 2; ++i) {
        std::string request;
        ScriptedPeer peer([&](RawClient&, const std::string& r) { request = r; });
        REQUIRE(peer.port() > 0);
        exchange("ws://localhost:" + std::to_string(peer.port()), {});
        peer.join();
        CHECK(request.rfind("GET / HTTP/1.1\r\n", 0) == 0);
        CHECK(header(request, "Host") == "localhost:" + std::to_string(peer.port()));
        CHECK(header(request, "Sec-WebSocket-Protocol") == "<absent>");
        CHECK(header(request, "Sec-WebSocket-Extensions") == "<absent>");
        keys.insert(header(request, "Sec-WebSocket-Key"));
    }
    CHECK(keys.size() == 2);
}

TEST_CASE("every frame is masked, each with its own key") {
    std::vector<ClientFrame> frames;
    ScriptedPeer peer([&](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request));
        for (int i = 0; i < 4; ++i) {
            std::optional<ClientFrame> f = read_small_frame(conn);
            if (!f) return;
            frames.push_back(*f);
        }
        conn.send(std::string("\x88\x02\x03\xe8", 4));  // Close 1000, unmasked
        read_small_frame(conn);  // the client's Close; then the server closes TCP first (RFC 6455 7.1.1)
    });
    REQUIRE(peer.port() > 0);
    ClientLog log = exchange("ws://127.0.0.1:" + std::to_string(peer.port()), {
        .onopen = [](duplex::WebSocket& ws) {
            ws.send("one");
            ws.send("one");
            ws.send_binary(std::string(3, '\0'));
            ws.ping("p");
        },
    });
    CHECK(log.summary() == "open | close 1000  clean");
    peer.join();
    REQUIRE(frames.size() == 4);
    std::set<std::string> keys;
    for (const ClientFrame& f : frames) {
        CHECK(f.masked);
        keys.insert(f.key);
    }
    CHECK(keys.size() == 4);
    CHECK(frames[0].payload == "one");
    CHECK(frames[1].payload == "one");
    CHECK(frames[2].opcode == 0x2);
    CHECK(frames[2].payload == std::string(3, '\0'));
    CHECK(frames[3].opcode == 0x9);
    CHECK(frames[3].payload == "p");
}
}
