// ResponseParser: the head of the server's upgrade answer, in any split, with the bytes after it left alone.
#include "client/response_parser.h"

#include <doctest/doctest.h>

#include <string>

using duplex::detail::client::ResponseParser;
using Kind = ResponseParser::Kind;

namespace {

const std::string kHead =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \r\n"
    "Sec-WebSocket-Protocol: chat\r\n"
    "X-Empty:\r\n"
    "X-Twice: a\r\n"
    "x-twice: b\r\n"
    "\r\n";

// Feeds `bytes` in pieces of `step`, returns the final result and how many bytes of the last call were used.
ResponseParser::Result feed_in_steps(ResponseParser& p, const std::string& bytes, std::size_t step,
                                     std::size_t& total_consumed) {
    ResponseParser::Result r{Kind::NeedMore};
    total_consumed = 0;
    for (std::size_t at = 0; at < bytes.size() && r.kind == Kind::NeedMore; at += step) {
        const std::size_t n = std::min(step, bytes.size() - at);
        r = p.feed(bytes.data() + at, n);
        total_consumed += r.consumed;
    }
    return r;
}

}  // namespace

TEST_SUITE("client response_parser") {
TEST_CASE("a whole 101 head: status, headers joined and trimmed, the frame bytes after it untouched") {
    for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{4096}}) {
        CAPTURE(step);
        ResponseParser p;
        std::size_t consumed = 0;
        const ResponseParser::Result r = feed_in_steps(p, kHead + "\x81\x02hi", step, consumed);
        REQUIRE(r.kind == Kind::Complete);
        CHECK(consumed == kHead.size());
        CHECK(p.status() == 101);
        CHECK(p.header("upgrade") == "websocket");
        CHECK(p.header("SEC-WEBSOCKET-ACCEPT") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        CHECK(p.header("x-empty").empty());
        CHECK(p.header("x-twice") == "a, b");
        CHECK(p.header("absent").empty());
        const auto u = p.upgrade_response();
        CHECK(u.status == 101);
        CHECK(u.connection == "Upgrade");
        CHECK(u.protocol == "chat");
        CHECK(u.extensions.empty());
    }
}

TEST_CASE("a refusal stops after its head, the body unread") {
    ResponseParser p;
    const std::string bytes = "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nForbidden";
    const ResponseParser::Result r = p.feed(bytes.data(), bytes.size());
    REQUIRE(r.kind == Kind::Complete);
    CHECK(r.consumed == bytes.size() - 9);
    CHECK(p.status() == 403);
}

TEST_CASE("after the end, further bytes are not consumed") {
    ResponseParser p;
    p.feed(kHead.data(), kHead.size());
    const ResponseParser::Result r = p.feed("xyz", 3);
    CHECK(r.kind == Kind::Complete);
    CHECK(r.consumed == 0);
}

TEST_CASE("garbage is an error") {
    ResponseParser p;
    const std::string bytes = "SSH-2.0-OpenSSH\r\n\r\n";
    const ResponseParser::Result r = p.feed(bytes.data(), bytes.size());
    CHECK(r.kind == Kind::Error);
    CHECK(r.reason == "Server sent a malformed HTTP response");
    CHECK(p.feed("x", 1).kind == Kind::Error);
}

TEST_CASE("a head over the size bound is an error, even in small pieces") {
    ResponseParser p;
    std::string bytes = "HTTP/1.1 101 Switching Protocols\r\n";
    while (bytes.size() <= ResponseParser::max_head_bytes) bytes += "X-Filler: 0123456789012345678901234567890\r\n";
    std::size_t consumed = 0;
    const ResponseParser::Result r = feed_in_steps(p, bytes, 100, consumed);
    CHECK(r.kind == Kind::Error);
    CHECK(r.reason == "Server response head is too large");
}
}
