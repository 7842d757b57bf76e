// RequestParser after an error (found by tests/fuzz/fuzz_http_request): it keeps answering Error with the same
// status and consumes nothing, whatever it is fed. llhttp itself repeats the error with a stale error position,
// which used to come back as a `consumed` count larger than the bytes given.
#include <doctest/doctest.h>

#include <string_view>

#include "http/request_parser.h"

using duplex::HttpOptions;
using duplex::Request;
using duplex::detail::RequestParser;

namespace {

constexpr std::string_view kValid = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

void check_refuses_everything(RequestParser& parser, int status) {
    for (const std::string_view next : {kValid, std::string_view("x"), std::string_view("\r\n\r\n")}) {
        const RequestParser::Result again = parser.feed(next.data(), next.size());
        CHECK(again.kind == RequestParser::Kind::Error);
        CHECK(again.consumed == 0);
        CHECK(again.status == status);
        CHECK_FALSE(again.reason.empty());
    }
}

}  // namespace

TEST_SUITE("http.request_parser.after_error") {
    TEST_CASE("a malformed request line: 400, then nothing more is consumed") {
        const HttpOptions limits;
        RequestParser parser(limits);
        Request req;
        parser.set_target(&req);
        const std::string_view bad = "G@T / HTTP/1.1\r\nHost: a\r\n\r\n";
        const RequestParser::Result first = parser.feed(bad.data(), bad.size());
        REQUIRE(first.kind == RequestParser::Kind::Error);
        CHECK(first.status == 400);
        CHECK(first.consumed <= bad.size());
        check_refuses_everything(parser, 400);
    }

    TEST_CASE("a limit crossed: 414, then nothing more is consumed") {
        HttpOptions limits;
        limits.max_url_bytes = 4;
        RequestParser parser(limits);
        Request req;
        parser.set_target(&req);
        const std::string_view long_url = "GET /abcdefgh HTTP/1.1\r\nHost: a\r\n\r\n";
        const RequestParser::Result first = parser.feed(long_url.data(), long_url.size());
        REQUIRE(first.kind == RequestParser::Kind::Error);
        CHECK(first.status == 414);
        check_refuses_everything(parser, 414);
    }
}
