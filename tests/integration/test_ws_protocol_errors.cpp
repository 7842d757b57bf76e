// RFC 6455 violations sent over a raw socket: each one must be answered with the exact Close code of the
// RFC (1002 protocol error, 1007 invalid payload, 1009 too big), then the end of the TCP connection, and the
// server's onclose must report the same code, not clean (the peer never completed the closing handshake).
#include "support/gcc_restrict_bug.h"
#include "support/ws_protocol_server.h"

#include <doctest/doctest.h>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

void expect_failure(ProtocolServer& s, const std::string& bytes, std::uint16_t code) {
    ClosedBy c = s.close_after(bytes);
    CHECK(c.wire_code == code);
    CHECK(c.tcp_closed);
    CHECK(c.record.closes == 1);
    CHECK(c.record.code == code);
    CHECK_FALSE(c.record.was_clean);
    CHECK(c.record.errors == 1);  // onerror, then onclose
}

std::string frame(std::string_view payload, FrameSpec spec) { return ws_frame(payload, spec); }

}  // namespace

TEST_SUITE("ws protocol errors") {
TEST_CASE("framing violations close with 1002") {
    ProtocolServer s;
    REQUIRE(s.port() > 0);
    SUBCASE("unmasked client frame") { expect_failure(s, frame("hi", {.masked = false}), 1002); }
    SUBCASE("RSV1 without a negotiated extension") { expect_failure(s, frame("hi", {.rsv = kRsv1}), 1002); }
    SUBCASE("RSV2") { expect_failure(s, frame("hi", {.rsv = kRsv2}), 1002); }
    SUBCASE("RSV3") { expect_failure(s, frame("hi", {.rsv = kRsv3}), 1002); }
    SUBCASE("fragmented ping") { expect_failure(s, frame("p", {.opcode = op::ping, .fin = false}), 1002); }
    SUBCASE("ping over 125 bytes") { expect_failure(s, frame(std::string(126, 'p'), {.opcode = op::ping}), 1002); }
    SUBCASE("close over 125 bytes") {
        expect_failure(s, frame(close_payload(1000, std::string(124, 'r')), {.opcode = op::close}), 1002);
    }
    SUBCASE("continuation without a start") { expect_failure(s, frame("x", {.opcode = op::cont}), 1002); }
    SUBCASE("new text frame inside a fragmented message") {
        expect_failure(s, frame("a", {.fin = false}) + frame("b", {}), 1002);
    }
    SUBCASE("64-bit length with the top bit set") {
        expect_failure(s, frame("", {.opcode = op::binary, .declared_length = 0x8000000000000001ull}), 1002);
    }
    SUBCASE("close with a 1-byte payload") { expect_failure(s, frame("\x03", {.opcode = op::close}), 1002); }
    CHECK(s.log().violations() == "");
}

TEST_CASE("reserved opcodes 3-7 and B-F close with 1002") {
    ProtocolServer s;
    for (std::uint8_t code : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        CAPTURE(int(code));
        expect_failure(s, frame("x", {.opcode = code}), 1002);
    }
}

TEST_CASE("invalid close codes close with 1002, a reason that is not UTF-8 with 1007") {
    ProtocolServer s;
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
        CAPTURE(code);
        expect_failure(s, frame(close_payload(code, "x"), {.opcode = op::close}), 1002);
    }
    expect_failure(s, frame(close_payload(1000, "bad \xC3\x28"), {.opcode = op::close}), 1007);
}

TEST_CASE("invalid UTF-8 text closes with 1007, before the message's last fragment") {
    ProtocolServer s;
    SUBCASE("in one frame") { expect_failure(s, frame("ok \xFF ok", {}), 1007); }
    SUBCASE("overlong encoding") { expect_failure(s, frame("\xC0\xAF", {}), 1007); }
    SUBCASE("UTF-16 surrogate") { expect_failure(s, frame("\xED\xA0\x80", {}), 1007); }
    SUBCASE("above U+10FFFF") { expect_failure(s, frame("\xF4\x90\x80\x80", {}), 1007); }
    SUBCASE("a message ending inside a sequence") { expect_failure(s, frame("ab\xE2\x82", {}), 1007); }
    SUBCASE("bad bytes in a first, non-final fragment") {
        expect_failure(s, frame("ab\xFE", {.fin = false}), 1007);
    }
    SUBCASE("a sequence broken across fragments, the final fragment never sent") {
        expect_failure(s, frame("ab\xE2\x82", {.fin = false}) + frame("\x28xyz", {.opcode = op::cont, .fin = false}),
                       1007);
    }
}

TEST_CASE("valid UTF-8 split across fragments is reassembled") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    // "€" (E2 82 AC) and "𝄞" (F0 9D 84 9E) cut in the middle of their sequences.
    REQUIRE(c.send(frame("a\xE2", {.fin = false}) + frame("\x82", {.opcode = op::cont, .fin = false}) +
                   frame("\xAC\xF0\x9D", {.opcode = op::cont, .fin = false}) +
                   frame("\x84\x9E", {.opcode = op::cont})));
    auto m = c.read_message();
    REQUIRE(m);
    CHECK(*m == "a\xE2\x82\xAC\xF0\x9D\x84\x9E");
}

TEST_CASE("messages over the limits close with 1009 without waiting for the declared bytes") {
    ProtocolServer s;
    SUBCASE("one frame over max_message_bytes") {
        expect_failure(s, frame(std::string(kMaxMessage + 1, 'x'), {.opcode = op::binary}), 1009);
    }
    SUBCASE("fragments adding up to more than max_message_bytes") {
        std::string half(kMaxMessage / 2 + 1, 'x');
        expect_failure(s, frame(half, {.opcode = op::binary, .fin = false}) + frame(half, {.opcode = op::cont}), 1009);
    }
    SUBCASE("a declared length of 2^40 with no payload behind it") {
        auto start = std::chrono::steady_clock::now();
        expect_failure(s, frame("", {.opcode = op::binary, .declared_length = 1ull << 40}), 1009);
        CHECK(std::chrono::steady_clock::now() - start < 2s);
    }
    SUBCASE("more fragments than max_fragments") {
        std::string bytes = frame("a", {.fin = false});
        for (std::uint32_t i = 1; i <= kMaxFragments; ++i) bytes += frame("a", {.opcode = op::cont, .fin = false});
        expect_failure(s, bytes, 1009);
    }
}

DUPLEX_GCC_RESTRICT_BUG_BEGIN  // "a" + std::string(...) below
TEST_CASE("a message exactly at the limits is accepted") {
    ProtocolServer s;
    WsRawClient c(s.port());
    REQUIRE(c.open("/echo"));
    std::string bytes = frame("a", {.fin = false});
    for (std::uint32_t i = 2; i < kMaxFragments; ++i) bytes += frame("b", {.opcode = op::cont, .fin = false});
    bytes += frame("c", {.opcode = op::cont});
    REQUIRE(c.send(bytes));
    auto m = c.read_message();
    REQUIRE(m);
    CHECK(*m == "a" + std::string(kMaxFragments - 2, 'b') + "c");
    std::string big(kMaxMessage, 'z');
    REQUIRE(c.send_binary(big));
    auto echoed = c.read_message();
    REQUIRE(echoed);
    CHECK(*echoed == big);
}
DUPLEX_GCC_RESTRICT_BUG_END
}
