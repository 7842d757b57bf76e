// permessage-deflate (RFC 7692) over a raw socket, with a zlib peer of the test's own: negotiation of every
// parameter, compressed round trips with and without context takeover, fragmented compressed messages,
// a decompression bomb closed with 1009 while the server's memory stays flat, corrupt data closed with 1007.
#include "support/proc_stats.h"
#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"
#include "support/ws_zlib.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kLimit = 1 << 20;

struct DeflateServer {
    WsEventLog log;
    ServerThread server{[this](duplex::App&, duplex::WsServer& wss) {
        auto echo = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); };
        duplex::WsRoute z{.onmessage = echo, .options = {.max_message_bytes = kLimit, .permessage_deflate = true}};
        duplex::WsRoute nctx{.onmessage = echo,
                             .options = {.permessage_deflate = true,
                                         .server_no_context_takeover = true,
                                         .client_max_window_bits = 10}};
        duplex::WsRoute plain{.onmessage = echo};
        log.attach(z);
        wss.route("/z", std::move(z));
        wss.route("/z-nctx", std::move(nctx));
        wss.route("/plain", std::move(plain));
    }};
    int port() const { return server.ws_port(); }
};

// The parameters of a Sec-WebSocket-Extensions answer, as a set ("permessage-deflate" first element).
std::set<std::string> params_of(const std::string& header) {
    std::set<std::string> out;
    std::size_t start = 0;
    while (start <= header.size()) {
        std::size_t end = std::min(header.find(';', start), header.size());
        std::string p = header.substr(start, end - start);
        p.erase(0, p.find_first_not_of(' '));
        p.erase(p.find_last_not_of(' ') + 1);
        if (!p.empty()) out.insert(p);
        start = end + 1;
    }
    return out;
}

std::string offer(const std::string& value) { return "Sec-WebSocket-Extensions: " + value + "\r\n"; }

// Reads one frame, which must be a final data frame, and returns it.
ServerFrame read_data(WsRawClient& c) {
    auto f = c.read_frame();
    REQUIRE(f);
    REQUIRE(f->fin);
    REQUIRE((f->opcode == op::text || f->opcode == op::binary));
    return *f;
}

}  // namespace

TEST_SUITE("ws permessage-deflate") {
TEST_CASE("negotiation answers each offer with the agreed parameters") {
    DeflateServer s;
    struct Case {
        std::string path;
        std::string offer;
        std::set<std::string> answer;  // empty: no extension
    };
    const std::vector<Case> cases = {
        {"/z", "permessage-deflate", {"permessage-deflate"}},
        {"/z", "permessage-deflate; client_max_window_bits", {"permessage-deflate"}},
        {"/z", "permessage-deflate; server_max_window_bits=10; client_no_context_takeover",
         {"permessage-deflate", "server_max_window_bits=10", "client_no_context_takeover"}},
        {"/z", "permessage-deflate; server_no_context_takeover",
         {"permessage-deflate", "server_no_context_takeover"}},
        {"/z-nctx", "permessage-deflate; client_max_window_bits",
         {"permessage-deflate", "server_no_context_takeover", "client_max_window_bits=10"}},
        {"/z-nctx", "permessage-deflate; client_max_window_bits=9",
         {"permessage-deflate", "server_no_context_takeover", "client_max_window_bits=9"}},
        // Without client_max_window_bits in the offer the client's window may not be limited: the route's
        // preference is then unsayable, and the server still agrees.
        {"/z-nctx", "permessage-deflate", {"permessage-deflate", "server_no_context_takeover"}},
        // Invalid offers are declined; a later valid one is taken.
        {"/z", "permessage-deflate; server_max_window_bits=7", {}},
        {"/z", "permessage-deflate; unknown_param", {}},
        {"/z", "permessage-deflate; client_no_context_takeover; client_no_context_takeover", {}},
        {"/z", "x-webkit-deflate-frame, permessage-deflate; bogus, permessage-deflate", {"permessage-deflate"}},
        {"/plain", "permessage-deflate", {}},
    };
    for (const Case& k : cases) {
        CAPTURE(k.path);
        CAPTURE(k.offer);
        WsRawClient c(s.port());
        auto r = c.handshake(k.path, offer(k.offer));
        REQUIRE(r);
        CHECK(r->status == 101);
        CHECK(params_of(r->header("sec-websocket-extensions")) == k.answer);
    }
}

TEST_CASE("compressed messages round-trip, with context kept across messages") {
    DeflateServer s;
    WsRawClient c(s.port());
    auto r = c.handshake("/z", offer("permessage-deflate"));
    REQUIRE(r);
    REQUIRE(r->status == 101);
    RawDeflater out;
    RawInflater in;
    const std::vector<std::string> messages = {std::string(5000, 'a'),
                                               "the same words, the same words, " + std::string(300, 'b'),
                                               std::string(5000, 'a'), "tiny"};
    for (const std::string& m : messages) {
        REQUIRE(c.send_frame(out.compress(m), {.rsv = kRsv1}));
        ServerFrame f = read_data(c);
        CHECK(f.opcode == op::text);
        if (f.rsv == kRsv1) {
            CHECK(in.inflate(f.payload) == m);
        } else {
            CHECK(f.rsv == 0);
            CHECK(f.payload == m);  // small messages go out uncompressed
        }
    }
    CHECK(c.send_frame("plain frame", {}));  // uncompressed messages stay allowed
    CHECK(read_data(c).payload == "plain frame");
}

TEST_CASE("a compressed message in fragments: RSV1 on the first frame only") {
    DeflateServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/z", offer("permessage-deflate")));
    RawDeflater out;
    const std::string m(20000, 'q');
    std::string z = out.compress(m);
    REQUIRE(z.size() > 3);
    const std::size_t third = z.size() / 3;
    REQUIRE(c.send(ws_frame(z.substr(0, third), {.opcode = op::binary, .fin = false, .rsv = kRsv1}) +
                   ws_frame(z.substr(third, third), {.opcode = op::cont, .fin = false}) +
                   ws_frame(z.substr(2 * third), {.opcode = op::cont})));
    ServerFrame f = read_data(c);
    CHECK(f.opcode == op::binary);
    RawInflater in;
    CHECK(in.inflate(f.payload) == m);
}

TEST_CASE("server_no_context_takeover: every server message inflates on its own") {
    DeflateServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/z-nctx", offer("permessage-deflate; client_max_window_bits")));
    RawDeflater out(10);
    const std::string m = "repeat after me: " + std::string(400, 'r');
    for (int i = 0; i < 3; ++i) {
        REQUIRE(c.send_frame(out.compress(m), {.rsv = kRsv1}));
        ServerFrame f = read_data(c);
        REQUIRE(f.rsv == kRsv1);
        RawInflater fresh;  // no memory of the earlier messages
        CHECK(fresh.inflate(f.payload) == m);
    }
}

TEST_CASE("RSV1 on a continuation or control frame is a protocol error even when negotiated") {
    DeflateServer s;
    for (const std::string& bytes : {ws_frame("a", {.fin = false}) + ws_frame("b", {.opcode = op::cont, .rsv = kRsv1}),
                                     ws_frame("", {.opcode = op::ping, .rsv = kRsv1})}) {
        WsRawClient c(s.port());
        REQUIRE(c.open("/z", offer("permessage-deflate")));
        REQUIRE(c.send(bytes));
        auto f = c.read_close();
        REQUIRE(f);
        CHECK(f->close_code() == 1002);
        CHECK(c.wait_closed(2s));
    }
}

TEST_CASE("corrupt compressed data closes with 1007") {
    DeflateServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/z", offer("permessage-deflate")));
    REQUIRE(c.send_frame(std::string("\xFF\xFF\xFF\xFF\xFF", 5), {.rsv = kRsv1}));  // BTYPE 11: reserved
    auto f = c.read_close();
    REQUIRE(f);
    CHECK(f->close_code() == 1007);
    CHECK(c.wait_closed(2s));
}

TEST_CASE("compressed text that inflates to invalid UTF-8 closes with 1007") {
    DeflateServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/z", offer("permessage-deflate")));
    RawDeflater out;
    REQUIRE(c.send_frame(out.compress("bad \xC3\x28 text"), {.rsv = kRsv1}));
    auto f = c.read_close();
    REQUIRE(f);
    CHECK(f->close_code() == 1007);
}

TEST_CASE("a small frame inflating far past max_message_bytes closes with 1009, memory flat") {
    DeflateServer s;
    const std::size_t inflated = std::size_t(256) << 20;
    const std::string bomb = deflate_bomb(inflated);
    REQUIRE(bomb.size() < kLimit);  // the frame itself is within the limit
    const std::string frame = ws_frame(bomb, {.opcode = op::binary, .rsv = kRsv1});
    WsRawClient c(s.port());
    REQUIRE(c.open("/z?bomb", offer("permessage-deflate")));
    const std::size_t before = rss_bytes();
    REQUIRE(c.send(frame));
    auto f = c.read_close();
    REQUIRE(f);
    CHECK(f->close_code() == 1009);
    CHECK(c.wait_closed(2s));
    const std::size_t after = rss_bytes();
    INFO("RSS before " << before / 1024 << " KiB, after " << after / 1024 << " KiB");
    if (memory_figures_meaningful()) CHECK(after < before + 16 * kLimit);  // 256 MiB if inflated
    c.raw().close();
    auto r = s.log.wait_closed("/z?bomb");
    REQUIRE(r);
    CHECK(r->code == 1009);
}
}
