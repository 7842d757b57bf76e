// Self-test of the bench tools' pure pieces: the load generator's frames and handshake against the raw server's
// echo and upgrade, with RFC 6455's own examples as exact bytes. Every parser is fed whole and one byte at a time.
// Built and run by `bench/run --selftest` (and before every benchmark run).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "../loadgen/frame.h"
#include "../loadgen/handshake.h"
#include "../raw/http_reply.h"
#include "../raw/ws_echo.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Little-endian machines store the key bytes 37 fa 21 3d (RFC 6455 5.7) as this integer.
constexpr std::uint32_t rfc_mask = 0x3d21fa37u;

std::string bytes(std::initializer_list<unsigned char> list) { return std::string(list.begin(), list.end()); }

// Parses the one server frame in `wire` after growing the input one byte at a time: every shorter prefix must ask
// for more, the full one must complete with the expected payload.
void expect_frame_bytewise(const std::string& wire, std::uint8_t opcode, std::string_view payload) {
    loadgen::ServerFrame frame;
    for (std::size_t n = 0; n < wire.size(); ++n)
        REQUIRE(loadgen::parse_server_frame(std::string_view(wire).substr(0, n), 1 << 24, frame) ==
                loadgen::ParseResult::need_more);
    REQUIRE(loadgen::parse_server_frame(wire, 1 << 24, frame) == loadgen::ParseResult::complete);
    CHECK(frame.fin);
    CHECK(frame.opcode == opcode);
    CHECK(frame.payload == payload);
    CHECK(frame.size == wire.size());
}

// Feeds the raw echo one byte at a time, as a socket that delivers single bytes would.
std::string echo_bytewise(const std::string& wire, raw::EchoResult& last) {
    std::string pending, out;
    last = raw::EchoResult::ok;
    for (char c : wire) {
        pending.push_back(c);
        std::size_t used = 0;
        last = raw::echo_frames(pending, out, used);
        pending.erase(0, used);
    }
    CHECK(pending.empty());
    return out;
}

}  // namespace

TEST_SUITE("bench tools") {

TEST_CASE("a masked client frame has RFC 6455's exact bytes") {
    std::string out;
    loadgen::append_masked_frame(out, loadgen::op_text, "Hello", rfc_mask);
    CHECK(out == bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST_CASE("the RFC's unmasked server frame parses whole and byte by byte") {
    expect_frame_bytewise(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), loadgen::op_text, "Hello");
}

TEST_CASE("frames of every length encoding round-trip through the raw echo") {
    for (std::size_t size : {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{65535},
                             std::size_t{65536}, std::size_t{70000}}) {
        CAPTURE(size);
        std::string payload(size, '\0');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 7 + 3);
        std::string wire;
        loadgen::append_masked_frame(wire, loadgen::op_binary, payload, 0xA1B2C3D4u);

        std::string whole;
        std::size_t used = 0;
        REQUIRE(raw::echo_frames(wire, whole, used) == raw::EchoResult::ok);
        CHECK(used == wire.size());
        raw::EchoResult last;
        CHECK(echo_bytewise(wire, last) == whole);
        CHECK(last == raw::EchoResult::ok);

        loadgen::ServerFrame frame;
        REQUIRE(loadgen::parse_server_frame(whole, 1 << 24, frame) == loadgen::ParseResult::complete);
        CHECK(frame.opcode == loadgen::op_binary);
        CHECK(frame.payload == payload);
        if (size <= 200) expect_frame_bytewise(whole, loadgen::op_binary, payload);
    }
}

TEST_CASE("the raw echo answers ping with pong and close with close") {
    std::string wire;
    loadgen::append_masked_frame(wire, loadgen::op_ping, "p", 1u);
    loadgen::append_masked_frame(wire, loadgen::op_close, bytes({0x03, 0xE8}), 2u);
    raw::EchoResult last;
    const std::string out = echo_bytewise(wire, last);
    CHECK(last == raw::EchoResult::close);
    CHECK(out == bytes({0x8A, 0x01, 'p', 0x88, 0x02, 0x03, 0xE8}));
}

TEST_CASE("protocol errors: a masked server frame, an unmasked client frame, an oversized control frame") {
    loadgen::ServerFrame frame;
    CHECK(loadgen::parse_server_frame(bytes({0x81, 0x81, 0, 0, 0, 0, 'x'}), 1 << 24, frame) ==
          loadgen::ParseResult::protocol_error);
    CHECK(loadgen::parse_server_frame(bytes({0x89, 126, 0, 126}), 1 << 24, frame) ==
          loadgen::ParseResult::protocol_error);
    CHECK(loadgen::parse_server_frame(bytes({0x82, 0x05}), 4, frame) == loadgen::ParseResult::protocol_error);
    std::string out;
    std::size_t used = 0;
    CHECK(raw::echo_frames(bytes({0x81, 0x01, 'x'}), out, used) == raw::EchoResult::protocol_error);
}

TEST_CASE("the raw upgrade answers the RFC's key with the RFC's accept value") {
    const std::string request = "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    std::string out;
    std::size_t used = 0;
    for (std::size_t n = 0; n < request.size(); ++n)
        REQUIRE(raw::answer_upgrade(std::string_view(request).substr(0, n), out, used) == raw::UpgradeResult::need_more);
    REQUIRE(raw::answer_upgrade(request, out, used) == raw::UpgradeResult::upgraded);
    CHECK(used == request.size());
    CHECK(out == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_CASE("the load generator's handshake is accepted by the raw server and checks the answer") {
    const loadgen::HandshakeKeys keys = loadgen::make_handshake_keys(42);
    std::string request;
    loadgen::append_upgrade_request(request, "127.0.0.1:9", "/echo", keys);
    std::string answer;
    std::size_t used = 0;
    REQUIRE(raw::answer_upgrade(request, answer, used) == raw::UpgradeResult::upgraded);
    answer += bytes({0x81, 0x01, 'w'});  // a first frame in the same read

    std::size_t head = 0;
    for (std::size_t n = 0; n + 3 < answer.size(); ++n)
        REQUIRE(loadgen::check_upgrade_response(std::string_view(answer).substr(0, n), keys, head) ==
                loadgen::HandshakeResult::need_more);
    REQUIRE(loadgen::check_upgrade_response(answer, keys, head) == loadgen::HandshakeResult::accepted);
    CHECK(head == answer.size() - 3);

    const loadgen::HandshakeKeys other = loadgen::make_handshake_keys(43);
    CHECK(loadgen::check_upgrade_response(answer, other, head) == loadgen::HandshakeResult::rejected);
    CHECK(loadgen::check_upgrade_response("HTTP/1.1 404 Not Found\r\n\r\n", keys, head) ==
          loadgen::HandshakeResult::rejected);
}

TEST_CASE("the raw HTTP side answers pipelined requests in order, whole or byte by byte") {
    const raw::HttpReplies replies("");
    const std::string three = "GET /api/hello/a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /api/hello/c?x HTTP/1.1\r\n\r\nGET /d";
    std::vector<std::string_view> whole;
    CHECK(replies.answer(three, whole) == three.size() - 6);
    const std::string hello = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
                              "{\"hello\":\"bench\"}";
    const std::string missing = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n"
                                "Not Found";
    CHECK(whole == std::vector<std::string_view>{hello, missing, hello});

    std::string pending;
    std::vector<std::string_view> bytewise;
    for (char c : three) {
        pending.push_back(c);
        pending.erase(0, replies.answer(pending, bytewise));
    }
    CHECK(bytewise == whole);
    CHECK(pending == "GET /d");
}

TEST_CASE("the raw HTTP side serves the files of its static directory from memory") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "raw-replies-selftest";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "index.html") << "<p>hi</p>";
    std::ofstream(dir / "big.bin", std::ios::binary) << std::string(70000, '\x01');
    const raw::HttpReplies replies(dir.string());
    std::filesystem::remove_all(dir);

    std::vector<std::string_view> out;
    replies.answer("GET / HTTP/1.1\r\n\r\nGET /index.html HTTP/1.1\r\n\r\nGET /big.bin HTTP/1.1\r\n\r\n", out);
    REQUIRE(out.size() == 3);
    CHECK(out[0] == "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 9\r\n\r\n<p>hi</p>");
    CHECK(out[1] == out[0]);
    CHECK(out[2] == "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 70000\r\n\r\n" +
                        std::string(70000, '\x01'));
}

}  // TEST_SUITE
