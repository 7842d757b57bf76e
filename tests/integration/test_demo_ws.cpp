// The WebSocket half of the demo contract (shared/demo-contract.md), against the real demo binary on free
// ports: /ws greets "world" and broadcasts text to every /ws client, /echo echoes with the same opcode and
// accepts permessage-deflate, refusals as plain HTTP (404, 426, 426 + version, 400), independent Python and
// Node clients on /echo, and the graceful stop on SIGTERM (1001 to clients, exit 0). Messages go through
// duplex::testing::TestClient; the refusals and the compressed frames are checked byte by byte with raw clients.
#include "support/demo_process.h"
#include "support/skip.h"
#include "support/ws_peers.h"
#include "support/ws_raw.h"
#include "support/ws_zlib.h"

#include <duplex/testing.h>

#include <doctest/doctest.h>

#include <csignal>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

// The demo on free ports; its second stdout line names the WebSocket one.
struct DemoWs {
    DemoProcess demo;
    Process& proc = demo.process();
    int port = 0;
    DemoWs() {
        REQUIRE(demo.ready());
        port = demo.ws_port();
    }
    duplex::testing::TestClient client = duplex::testing::TestClient::remote("127.0.0.1", demo.ws_port());
    std::string base() const { return demo.ws_base(); }
    std::optional<HttpResponse> ask(const std::string& target, const std::string& headers) const {
        return http_request(port, "GET " + target + " HTTP/1.1\r\nHost: demo\r\n" + headers + "\r\n");
    }
};

const std::vector<std::string> kEchoScenarios = {"text", "binary", "big-1m", "fragments", "ping", "client-close",
                                                 "abrupt", "deflate"};

}  // namespace

TEST_SUITE("demo_ws") {
TEST_CASE("/ws greets with \"world\" and broadcasts text to every /ws client, sender included") {
    DemoWs demo;
    auto a = demo.client.ws("/ws");
    CHECK(a.next_message() == "world");
    auto b = demo.client.ws("/ws");
    CHECK(b.next_message() == "world");
    a.send("hello everyone");
    for (auto* c : {&a, &b}) {
        auto m = c->next();
        CHECK_FALSE(m.binary);
        CHECK(m == "hello everyone");
    }
    b.send("and back");
    CHECK(a.next_message() == "and back");
    CHECK(b.next_message() == "and back");
}

TEST_CASE("/echo echoes text and binary with the same opcode") {
    DemoWs demo;
    auto c = demo.client.ws("/echo");
    c.send("caf\xC3\xA9");
    auto t = c.next();
    CHECK_FALSE(t.binary);
    CHECK(t == "caf\xC3\xA9");
    const std::string bytes("\x00\xFF\x01\xFE", 4);
    c.send_binary(bytes);
    auto b = c.next();
    CHECK(b.binary);
    CHECK(b == bytes);
}

TEST_CASE("/echo accepts permessage-deflate and echoes compressed messages") {
    DemoWs demo;
    // duplex's client negotiates and inflates; the raw client below checks the frames really are compressed.
    auto d = demo.client.ws("/echo", {.options = {.permessage_deflate = true}});
    CHECK(d.socket().extensions().find("permessage-deflate") == 0);
    d.send(std::string(10000, 'y'));
    CHECK(d.next_message() == std::string(10000, 'y'));
    WsRawClient c(demo.port);
    auto r = c.handshake("/echo", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    REQUIRE(r);
    REQUIRE(r->status == 101);
    CHECK(r->header("sec-websocket-extensions").find("permessage-deflate") == 0);
    RawDeflater out;
    RawInflater in;
    const std::string m(10000, 'z');
    REQUIRE(c.send_frame(out.compress(m), {.rsv = kRsv1}));
    auto f = c.read_frame();
    REQUIRE(f);
    REQUIRE(f->rsv == kRsv1);
    CHECK(in.inflate(f->payload) == m);
}

TEST_CASE("refusals: 404 unknown path, 426 plain request, 426 + version, 400 bad key") {
    DemoWs demo;
    const std::string ok_key = "Sec-WebSocket-Key: " + std::string(kSampleKey) + "\r\n";
    const std::string upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    auto unknown = demo.ask("/nope", upgrade + "Sec-WebSocket-Version: 13\r\n" + ok_key);
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto plain = demo.ask("/ws", "");
    REQUIRE(plain);
    CHECK(plain->status == 426);
    auto version = demo.ask("/ws", upgrade + "Sec-WebSocket-Version: 8\r\n" + ok_key);
    REQUIRE(version);
    CHECK(version->status == 426);
    CHECK(version->header("sec-websocket-version") == "13");
    auto missing = demo.ask("/ws", upgrade + "Sec-WebSocket-Version: 13\r\n");
    REQUIRE(missing);
    CHECK(missing->status == 400);
    auto invalid = demo.ask("/ws", upgrade + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n");
    REQUIRE(invalid);
    CHECK(invalid->status == 400);
}

TEST_CASE("independent clients on /echo: Python websockets and Node ws") {
    DemoWs demo;
    if (have_python_peer()) {
        auto [rc, out] = run_python_peer(demo.base(), kEchoScenarios);
        const std::string& out_text = out;  // clang 14 cannot capture a structured binding in INFO's lambda
        INFO(out_text);
        CHECK(scenarios_not_ok(out, kEchoScenarios) == "");
        CHECK(rc == 0);
    } else {
        DUPLEX_SKIP_PART("Python peer: /usr/bin/python3 with websockets not found");
    }
    if (have_node_peer()) {
        auto [rc, out] = run_node_peer(demo.base(), kEchoScenarios);
        const std::string& out_text = out;  // clang 14 cannot capture a structured binding in INFO's lambda
        INFO(out_text);
        CHECK(scenarios_not_ok(out, kEchoScenarios) == "");
        CHECK(rc == 0);
    } else {
        DUPLEX_SKIP_PART("Node peer: node or tests/node_modules/ws not found");
    }
}

TEST_CASE("SIGTERM closes every WebSocket with 1001, then the demo exits 0") {
    DemoWs demo;
    auto chat = demo.client.ws("/ws");
    auto echo = demo.client.ws("/echo");
    CHECK(chat.next_message() == "world");
    demo.proc.signal(SIGTERM);
    for (auto* c : {&chat, &echo}) {
        const duplex::CloseEvent closed = c->wait_closed(3s);  // the client answers the Close and ends its TCP
        CHECK(closed.code == 1001);
        CHECK(closed.was_clean);
    }
    const auto start = std::chrono::steady_clock::now();
    CHECK(demo.proc.wait(5s) == 0);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
}
}
