// RequestParser (http/request_parser.h): every message is fed whole, one byte at a time and in random splits
// (parse_harness.h), and every split must give the same requests, the same error status and the same number of
// 100-continue stops.
#include <doctest/doctest.h>

#include "parse_harness.h"

using duplex::HttpOptions;
using duplex::Request;
using duplex::detail::RequestParser;
using namespace parse_harness;


TEST_SUITE("request_parser") {

TEST_CASE("URL, header names and values and the body are reassembled from any split") {
    Outcome o = parse("POST /a%20b/c?x=1&y=two HTTP/1.1\r\nHost: example.test\r\nX-Long-Name: some value  \r\n"
                      "Content-Length: 11\r\n\r\nhello world");
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 1);
    const Message& m = o.messages[0];
    CHECK(m.method == "POST");
    CHECK(m.target == "/a%20b/c?x=1&y=two");
    CHECK(m.path == "/a%20b/c");
    CHECK(m.query == "x=1&y=two");
    CHECK(m.body == "hello world");
    CHECK(m.major == 1);
    CHECK(m.minor == 1);
    CHECK(m.keep_alive);
    using H = std::vector<std::pair<std::string, std::string>>;
    CHECK(m.headers == H{{"Host", "example.test"}, {"X-Long-Name", "some value"}, {"Content-Length", "11"}});
}

TEST_CASE("an empty header value and a repeated header are kept in order") {
    Outcome o = parse("GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nAccept: a\r\naccept: b\r\n\r\n");
    REQUIRE(o.messages.size() == 1);
    using H = std::vector<std::pair<std::string, std::string>>;
    CHECK(o.messages[0].headers == H{{"Host", "h"}, {"X-Empty", ""}, {"Accept", "a"}, {"accept", "b"}});
}

TEST_CASE("chunked bodies with extensions and trailers") {
    Outcome o = parse("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;name=value\r\nhello\r\n6;flag\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 1);
    CHECK(o.messages[0].body == "hello world");
    CHECK(o.messages[0].keep_alive);
}

TEST_CASE("pipelined messages come out one by one, in order, with their own bodies") {
    std::string bytes;
    for (int i = 0; i < 5; ++i) {
        std::string body = "body-" + std::to_string(i);
        bytes += "POST /m" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body;
        bytes += "GET /g" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    Outcome o = parse(bytes);
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 10);
    for (int i = 0; i < 5; ++i) {
        CHECK(o.messages[2 * i].target == "/m" + std::to_string(i));
        CHECK(o.messages[2 * i].body == "body-" + std::to_string(i));
        CHECK(o.messages[2 * i + 1].target == "/g" + std::to_string(i));
        CHECK(o.messages[2 * i + 1].body.empty());
        CHECK(o.messages[2 * i + 1].headers.size() == 1);  // nothing left over from the message before
    }
}

TEST_CASE("Expect: 100-continue stops once before the body, only when a body is coming on HTTP/1.1") {
    Outcome o = parse("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(o.continues == 1);
    REQUIRE(o.messages.size() == 1);
    CHECK(o.messages[0].body == "abc");

    CHECK(parse("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                "1\r\nz\r\n0\r\n\r\n")
              .continues == 1);
    CHECK(parse("GET /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").continues == 0);
    CHECK(parse("PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz").continues == 0);
    CHECK(error_of("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: something-else\r\nContent-Length: 1\r\n\r\nz") == 417);
    // Lines of one field are one list (RFC 9110 5.3): an extra expectation on its own line is still refused.
    CHECK(error_of("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nExpect: foo\r\nContent-Length: 1\r\n\r\nz") ==
          417);
}

TEST_CASE("limits answer 414, 431 (bytes and count) and 413 at the exact boundary") {
    HttpOptions opt;
    opt.max_url_bytes = 32;
    opt.max_header_bytes = 64 + 5;  // "Host" + "h" of every request below, then 64 for the rest
    opt.max_header_count = 4 + 1;   // the Host line, then 4
    opt.max_body_bytes = 10;
    std::string url_ok = "/" + std::string(31, 'u');
    CHECK(error_of("GET " + url_ok + " HTTP/1.1\r\nHost: h\r\n\r\n", opt) == 0);
    CHECK(error_of("GET " + url_ok + "u HTTP/1.1\r\nHost: h\r\n\r\n", opt) == 414);

    // Header bytes count names and values: "X" + 63 bytes of value is exactly 64.
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(63, 'v') + "\r\n\r\n", opt) == 0);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(64, 'v') + "\r\n\r\n", opt) == 431);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", opt) == 0);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", opt) == 431);

    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", opt) == 0);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", opt) == 413);  // before the body
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "6\r\n012345\r\n5\r\n67890\r\n0\r\n\r\n",
                   opt) == 413);
}

TEST_CASE("an over-limit Content-Length is refused as soon as the head ends") {
    HttpOptions opt;
    RequestParser parser(opt);
    Request req;
    parser.set_target(&req);
    std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1073741824\r\n\r\n";
    RequestParser::Result r = parser.feed(head.data(), head.size());
    CHECK(r.kind == RequestParser::Kind::Error);
    CHECK(r.status == 413);
}

TEST_CASE("request smuggling shapes are rejected with 400") {
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "0\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                   "0\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 5\r\n\r\nabcde") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n") == 400);
    // chunked not last: the length of the body cannot be known (RFC 9112 6.3).
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
}

TEST_CASE("malformed heads are rejected with 400") {
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n") == 400);   // space in a field name
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nBad\x01: v\r\n\r\n") == 400);    // control byte in a name
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n") == 400);     // control byte in a value
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\rz\r\n\r\n") == 400);       // bare CR inside a value
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n: empty-name\r\n\r\n") == 400);
    // Whitespace before the colon (RFC 9112 5.1: MUST answer 400); another hop may read it as the real header.
    CHECK(error_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == 400);
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc") ==
          400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nA\"B: x\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\n\xc3\xa9: x\r\n\r\n") == 400);
    CHECK(error_of("G@T / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(error_of("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(error_of("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") == 400);  // a TLS ClientHello
}

TEST_CASE("obs-fold is refused with 400, wherever the fold is and however the bytes are split") {
    // RFC 9112 5.2 allows rejecting or replacing the fold; replacing it leaves a proxy room to read it otherwise.
    CHECK(error_of("GET / HTTP/1.1\r\nX-Folded: one\r\n two\r\nHost: h\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\t\tb\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n \r\n\r\n") == 400);  // a continuation of spaces only
    // A folded Transfer-Encoding with nothing on its first line (llhttp discards that without a callback): the
    // body must not be read as chunked.
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
                   "2\r\n[]\r\n0\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX:\r\n \r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX:  \t\r\n\tb\r\n\r\n") == 400);
    CHECK(error_of("GET / HTTP/1.1\r\n Host: h\r\n\r\n") == 400);  // whitespace before the first field
    CHECK(error_of("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == 400);  // after empty lines
    // A fold in a chunked body's trailer section.
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\r\n b\r\n\r\n") == 400);
    // The second request of a pipeline, after a body that holds "\n " itself.
    CHECK(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n\n \n"
                   "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == 400);
    // An error found before the fold wins, whatever the split (the fuzzer's case for the reverted byte scan).
    CHECK(error_of("GET / HTTP/2.0\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == 505);
    // A fold before a limit is passed answers 400 for the fold, at any split.
    HttpOptions few;
    few.max_header_count = 2;
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\nY: 1\r\nZ: 2\r\n\r\n", few) == 400);
    // Spaces inside a value, an empty value, and a body starting with a space or an LF are no folds.
    Outcome o = parse("POST / HTTP/1.1\r\nHost: h\r\nX: a  b\r\nE:\r\nF: \r\nContent-Length: 3\r\n\r\n \n "
                      "POST / HTTP/1.1\r\nHost: h\r\nE:\r\nContent-Length: 2\r\n\r\n\n "
                      "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(o.error == 0);
    REQUIRE(o.messages.size() == 3);
    CHECK(o.messages[0].body == " \n ");
    CHECK(o.messages[1].body == "\n ");
    using H = std::vector<std::pair<std::string, std::string>>;
    CHECK(o.messages[0].headers == H{{"Host", "h"}, {"X", "a  b"}, {"E", ""}, {"F", ""}, {"Content-Length", "3"}});
}

TEST_CASE("bare LF ending a header line is refused with 400") {
    // RFC 9112 2.2 lets a recipient accept a lone LF; refusing it leaves no room for two readings.
    CHECK(error_of("GET /lf HTTP/1.1\nHost: h\nX: 1\n\n") == 400);
    CHECK(error_of("GET /lf HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n") == 400);
}

TEST_CASE("HTTP/1.0 closes unless keep-alive is asked; HTTP/1.1 stays open unless close is asked") {
    auto ka = [](const std::string& head) {
        Outcome o = parse(head);
        REQUIRE(o.messages.size() == 1);
        return o.messages[0].keep_alive;
    };
    CHECK_FALSE(ka("GET / HTTP/1.0\r\n\r\n"));
    CHECK(ka("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(ka("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
    CHECK(ka("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
    CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n"));
    Outcome o = parse("GET / HTTP/1.0\r\n\r\n");
    CHECK(o.messages[0].major == 1);
    CHECK(o.messages[0].minor == 0);
}

TEST_CASE("an upgrade request stops the parser at the end of its head") {
    std::string head = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    HttpOptions opt;
    RequestParser parser(opt);
    Request req;
    parser.set_target(&req);
    std::string bytes = head + "\x81\x00";
    RequestParser::Result r = parser.feed(bytes.data(), bytes.size());
    CHECK(r.kind == RequestParser::Kind::Upgrade);
    CHECK(r.consumed == head.size());
    CHECK(req.target() == "/chat");
}

}  // TEST_SUITE
