// RequestParser against the RFC 9110/9112 rules llhttp 8.1 does not apply on its own: chunk framing, Host,
// transfer codings, versions, request-target forms, unknown methods, Connection: close. Every message goes
// through parse_harness (whole, one byte at a time, random splits: all must agree).
#include <doctest/doctest.h>

#include "parse_harness.h"

#include <string>

using duplex::HttpOptions;
using duplex::Request;
using duplex::detail::RequestParser;
using namespace parse_harness;

namespace {

const std::string kChunkedHead = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

// The outcome of `head` + `rest`, checked to be a single message.
Message only_message(const std::string& bytes) {
    Outcome o = parse(bytes);
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 1);
    return o.messages[0];
}

// Feeds `bytes` in one go to a fresh parser: what it answers before any more arrives.
RequestParser::Result first_answer(const std::string& bytes, const HttpOptions& opt) {
    RequestParser parser(opt);
    Request req;
    parser.set_target(&req);
    return parser.feed(bytes.data(), bytes.size());
}

}  // namespace

TEST_SUITE("http.request_parser.rfc") {

TEST_CASE("the two bytes after chunk data must be CRLF, whatever the split") {
    const std::string smuggled = "GET /api/hello/SMUGGLED HTTP/1.1\r\nHost: h\r\n\r\n";
    for (const char* after : {"XX", "\rX", "X\n", "  ", "\n\r", "\n\n", "\r\r"}) {
        CAPTURE(after);
        Outcome o = parse(kChunkedHead + "2\r\n[]" + after + "0\r\n\r\n" + smuggled);
        CHECK(o.error == 400);
        CHECK(o.messages.empty());
    }
    // The same body correctly framed, chunks of several sizes, then the pipelined request: both come out.
    Outcome o = parse(kChunkedHead + "2\r\n[]\r\n1;e=v\r\nx\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n" + smuggled);
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 2);
    CHECK(o.messages[0].body == "[]x0123456789abcdef");
    CHECK(o.messages[1].path == "/api/hello/SMUGGLED");
}

TEST_CASE("a bare LF ending the trailer section is refused like everywhere else") {
    CHECK(error_of(kChunkedHead + "2\r\n[]\r\n0\r\n\n") == 400);
    CHECK(error_of(kChunkedHead + "0\r\nX-T: 1\r\n\n") == 400);
    Message m = only_message(kChunkedHead + "2\r\n[]\r\n0\r\nX-T: 1\r\n\r\n");
    CHECK(m.body == "[]");
}

TEST_CASE("chunk extensions have a budget per message: 413 past it, separators included") {
    HttpOptions opt;
    opt.max_chunk_extension_bytes = 10;
    // ";" + 9 name bytes is 10: at the limit. The budget is per message, not per chunk.
    CHECK(error_of(kChunkedHead + "1;" + std::string(9, 'a') + "\r\nz\r\n0\r\n\r\n", opt) == 0);
    CHECK(error_of(kChunkedHead + "1;" + std::string(10, 'a') + "\r\nz\r\n0\r\n\r\n", opt) == 413);
    CHECK(error_of(kChunkedHead + "1;abcd\r\nz\r\n1;efgh\r\nz\r\n0\r\n\r\n", opt) == 0);
    CHECK(error_of(kChunkedHead + "1;abcd\r\nz\r\n1;efgh\r\nz\r\n0;ij\r\n\r\n", opt) == 413);
    CHECK(error_of(kChunkedHead + "1;a=bcdefgh\r\nz\r\n0\r\n\r\n", opt) == 0);
    CHECK(error_of(kChunkedHead + "1;a=bcdefghi\r\nz\r\n0\r\n\r\n", opt) == 413);
    CHECK(error_of(kChunkedHead + "1" + std::string(9, ';') + "a\r\nz\r\n0\r\n\r\n", opt) == 0);
    CHECK(error_of(kChunkedHead + "1" + std::string(10, ';') + "a\r\nz\r\n0\r\n\r\n", opt) == 413);
    // The default bound: 16 KiB.
    CHECK(error_of(kChunkedHead + "1;" + std::string(16 * 1024, 'a') + "\r\nz\r\n0\r\n\r\n") == 413);
    // The budget starts again with the next message.
    CHECK(parse(kChunkedHead + "1;abcdefgh\r\nz\r\n0\r\n\r\n" + kChunkedHead + "1;abcdefgh\r\nz\r\n0\r\n\r\n", opt)
              .messages.size() == 2);
}

TEST_CASE("a chunk that cannot fit the body limit is refused when announced") {
    HttpOptions opt;
    opt.max_body_bytes = 10;
    for (const char* size : {"B", "7FFFFFFF", "FFFFFFFFFFFFFFFF"}) {
        CAPTURE(size);
        RequestParser::Result r = first_answer(kChunkedHead + size + "\r\n", opt);
        CHECK(r.kind == RequestParser::Kind::Error);
        CHECK(r.status == 413);
    }
    // What was received counts: 6 then 5 is over 10, refused at the second chunk's header.
    RequestParser::Result r = first_answer(kChunkedHead + "6\r\n012345\r\n5\r\n", opt);
    CHECK(r.kind == RequestParser::Kind::Error);
    CHECK(r.status == 413);
    CHECK(error_of(kChunkedHead + "6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n", opt) == 0);
    CHECK(error_of(kChunkedHead + "A\r\n0123456789\r\n0\r\n\r\n", opt) == 0);
}

TEST_CASE("Host: required on HTTP/1.1, once, with a valid value") {
    CHECK(error_of("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nX: 1\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    for (const char* bad : {"a b", "a/b", "user@a", "<x>", "a:xyz", "a, b", "[::1"}) {
        CAPTURE(bad);
        CHECK(error_of(std::string("GET / HTTP/1.1\r\nHost: ") + bad + "\r\n\r\n") == 400);
        CHECK(error_of(std::string("GET / HTTP/1.0\r\nHost: ") + bad + "\r\n\r\n") == 400);
    }
    for (const char* good : {"", "example.com", "example.com:8080", "127.0.0.1:1", "[::1]:3000"}) {
        CAPTURE(good);
        CHECK(error_of(std::string("GET / HTTP/1.1\r\nHost: ") + good + "\r\n\r\n") == 0);
    }
    CHECK(error_of("GET / HTTP/1.0\r\n\r\n") == 0);  // HTTP/1.0 may omit it
    // An upgrade request meets the same rule.
    CHECK(error_of("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n") == 400);
}

TEST_CASE("any close token in any Connection line closes, on HTTP/1.0 and 1.1") {
    auto keeps = [](const std::string& bytes) { return only_message(bytes).keep_alive; };
    CHECK_FALSE(keeps("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"));
    CHECK_FALSE(keeps("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"));
    CHECK_FALSE(keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, CLOSE\r\n\r\n"));
    CHECK_FALSE(keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: x-y\r\nConnection: te, close\r\n\r\n"));
    CHECK(keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed, x-close\r\n\r\n"));
    CHECK(keeps("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
}

TEST_CASE("versions: 505 for any major but 1 and for HTTP/0.9; HTTP/1.x is served as 1.1; none is 400") {
    for (const char* v : {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9", "HTTP/0.0"}) {
        CAPTURE(v);
        CHECK(error_of(std::string("GET / ") + v + "\r\nHost: h\r\n\r\n") == 505);
    }
    // A request line without a version (HTTP/0.9's form) is malformed (RFC 9112 3), not a version to refuse.
    CHECK(error_of("GET /\r\n") == 400);
    CHECK(error_of("GET /\r\n\r\n") == 400);
    CHECK(error_of("GET /\r\nHost: h\r\n\r\n") == 400);
    // The HTTP/2 preface: its asterisk-form target outside OPTIONS is refused first.
    CHECK(error_of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 400);
    Message m = only_message("GET / HTTP/1.2\r\nHost: h\r\n\r\n");
    CHECK(m.major == 1);
    CHECK(m.minor == 2);
    CHECK(m.keep_alive);
    CHECK(error_of("GET / HTTP/1.2\r\n\r\n") == 400);  // and needs a Host as 1.1 does
    CHECK(error_of("GET / HTTP/1.1x\r\nHost: h\r\n\r\n") == 400);
}

TEST_CASE("transfer codings other than chunked: 501; chunked not last: 400") {
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") == 501);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "0\r\n\r\n") == 501);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n"
                   "0\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == 400);
    Message m = only_message("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n");
    CHECK(m.body == "z");
}

TEST_CASE("request-target forms: absolute-form routes on its path, asterisk only for OPTIONS, no fragment") {
    Message m = only_message("GET http://x/api/hello/abs?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(m.target == "http://x/api/hello/abs?q=1");
    CHECK(m.path == "/api/hello/abs");
    CHECK(m.query == "q=1");
    m = only_message("GET http://x:80 HTTP/1.1\r\nHost: x\r\nX-Long: value\r\n\r\n");
    CHECK(m.path == "/");
    CHECK(m.query.empty());
    CHECK(m.headers.size() == 2);
    CHECK(m.headers[1].second == "value");  // the stored "/" does not disturb the header bytes
    m = only_message("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(m.path == "*");
    CHECK(error_of("GET * HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(error_of("GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(error_of("GET /a?b#c HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
    CHECK(error_of("GET http://x/a#b HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
}

TEST_CASE("an unknown method is 501 when the line starts with a token and SP, else 400") {
    for (const char* line : {"FOO / HTTP/1.1", "QUERY / HTTP/1.1", "GE / HTTP/1.1", "GETX / HTTP/1.1",
                             "get / HTTP/1.1", "M-SEARCHX * HTTP/1.1", "X!#$%&'*+-.^_`|~ / HTTP/1.1"}) {
        CAPTURE(line);
        CHECK(error_of(std::string(line) + "\r\nHost: h\r\n\r\n") == 501);
        // After a complete request on the same connection too.
        Outcome o = parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n" + std::string(line) + "\r\nHost: h\r\n\r\n");
        CHECK(o.messages.size() == 1);
        CHECK(o.error == 501);
    }
    for (const char* line : {" / HTTP/1.1", "G@T / HTTP/1.1", "GET\t/ HTTP/1.1", "NOT-HTTP", "\x16\x03\x01",
                             "GETX\r\n"}) {
        CAPTURE(line);
        CHECK(error_of(std::string(line) + "\r\nHost: h\r\n\r\n") == 400);
    }
    CHECK(error_of("X" + std::string(100, 'Y') + " / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);  // not read on forever
    // A body ending in a token byte does not lend it to the next line.
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nz / HTTP/1.1\r\n\r\n") == 400);
}

}  // TEST_SUITE
