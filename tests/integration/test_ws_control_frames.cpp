// Ping/pong and the closing handshake over a raw socket (RFC 6455 5.5, 7): pongs carry the ping's payload,
// also between fragments; a Close is echoed with its code and TCP is closed by the server; a peer that never
// answers our Close is cut after close_timeout; an idle peer is pinged, then cut.
#include "support/ws_protocol_server.h"

#include <doctest/doctest.h>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// The next frame, which must be a pong; returns its payload.
std::optional<std::string> read_pong(WsRawClient& c) {
    auto f = c.read_frame();
    if (!f || f->opcode != op::pong || !f->fin || f->masked) return std::nullopt;
    return f->payload;
}

}  // namespace

TEST_SUITE("ws control frames") {
TEST_CASE("a ping is answered with a pong carrying the same payload") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    for (const std::string& payload : {std::string(), std::string("abc"), std::string(125, '\x7F')}) {
        REQUIRE(c.send_frame(payload, {.opcode = op::ping}));
        CHECK(read_pong(c) == payload);
    }
}

TEST_CASE("a ping between the fragments of a message is answered at once") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    REQUIRE(c.send(ws_frame("Hel", {.fin = false}) + ws_frame("mid", {.opcode = op::ping})));
    CHECK(read_pong(c) == "mid");  // before the message is complete
    REQUIRE(c.send(ws_frame("lo", {.opcode = op::cont})));
    auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == op::text);
    CHECK(f->payload == "Hello");
}

TEST_CASE("an unsolicited pong is ignored") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    REQUIRE(c.send(ws_frame("whatever", {.opcode = op::pong}) + ws_frame("after")));
    CHECK(c.read_message() == "after");
}

TEST_CASE("a Close is echoed with the same code, then TCP is closed; onclose is clean") {
    ProtocolServer s;
    struct Case {
        std::string payload;
        std::uint16_t code;
        std::string reason;
    };
    for (const Case& k : {Case{close_payload(1000, "bye"), 1000, "bye"}, Case{close_payload(4321), 4321, ""},
                          Case{close_payload(1001, "caf\xC3\xA9"), 1001, "caf\xC3\xA9"}, Case{"", 1005, ""}}) {
        CAPTURE(k.code);
        const std::string url = s.unique_url("/echo");
        WsRawClient c(s.port());
        REQUIRE(c.open(url));
        REQUIRE(c.send_frame(k.payload, {.opcode = op::close}));
        auto f = c.read_frame();
        REQUIRE(f);
        CHECK(f->opcode == op::close);
        CHECK(f->close_code() == k.code);
        CHECK(c.wait_closed(2s));
        c.raw().close();
        auto r = s.log().wait_closed(url);
        REQUIRE(r);
        CHECK(r->code == k.code);
        CHECK(r->reason == k.reason);
        CHECK(r->was_clean);
        CHECK(r->errors == 0);
    }
}

TEST_CASE("data after the peer's Close is ignored") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    REQUIRE(c.send(ws_frame(close_payload(1000), {.opcode = op::close}) + ws_frame("late")));
    auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == op::close);
    CHECK_FALSE(c.read_frame(1s));  // no echo of "late": the stream ends
    CHECK(c.wait_closed(2s));
}

TEST_CASE("a server Close the peer never answers ends after close_timeout, onclose 1006 not clean") {
    ProtocolServer s;
    const std::string url = s.unique_url("/echo");
    WsRawClient c(s.port());
    REQUIRE(c.open(url));
    REQUIRE(c.send_text("close-me"));
    auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == op::close);
    CHECK(f->close_code() == 4001);
    CHECK(f->close_reason() == "bye");
    const auto start = Clock::now();
    CHECK(c.wait_closed(3s));
    const auto waited = Clock::now() - start;
    CHECK(waited >= kShortTimeout - 150ms);  // the timer's resolution is about 100 ms
    CHECK(waited < kShortTimeout + 1500ms);
    auto r = s.log().wait_closed(url);
    REQUIRE(r);
    CHECK(r->code == duplex::CloseCode::Abnormal);
    CHECK_FALSE(r->was_clean);
}

TEST_CASE("a server Close answered by the peer is clean") {
    ProtocolServer s;
    const std::string url = s.unique_url("/echo");
    WsRawClient c(s.port());
    REQUIRE(c.open(url));
    REQUIRE(c.send_text("close-me"));
    auto f = c.read_close();
    REQUIRE(f);
    REQUIRE(c.send_frame(close_payload(4001), {.opcode = op::close}));
    CHECK(c.wait_closed(2s));
    c.raw().close();
    auto r = s.log().wait_closed(url);
    REQUIRE(r);
    CHECK(r->code == 4001);
    CHECK(r->was_clean);
}

TEST_CASE("an idle peer is pinged, then cut when it does not answer") {
    ProtocolServer s;
    const std::string url = s.unique_url("/idle");
    WsRawClient c(s.port());
    REQUIRE(c.open(url));
    const auto start = Clock::now();
    auto f = c.read_frame(3s);
    REQUIRE(f);
    CHECK(f->opcode == op::ping);
    CHECK(Clock::now() - start >= kShortTimeout - 150ms);
    CHECK(c.wait_closed(3s));
    auto r = s.log().wait_closed(url);
    REQUIRE(r);
    CHECK(r->code == duplex::CloseCode::Abnormal);
    CHECK_FALSE(r->was_clean);
}

TEST_CASE("an idle peer that answers the pings stays open") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open(s.unique_url("/idle")));
    const auto until = Clock::now() + kShortTimeout * 3;
    int pings = 0;
    while (Clock::now() < until) {
        auto f = c.read_frame(1s);
        REQUIRE(f);
        REQUIRE(f->opcode == op::ping);
        ++pings;
        REQUIRE(c.send_frame(f->payload, {.opcode = op::pong}));
    }
    CHECK(pings >= 2);
    REQUIRE(c.send_text("alive"));
    CHECK(c.read_message() == "alive");
}
}
