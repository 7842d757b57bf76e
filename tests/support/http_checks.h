// Shared checks of the HTTP integration tests on raw sockets.
// Threads: the test's. Header-only because it holds doctest assertions (integration executable only).
#pragma once

#include "support/raw_client.h"

#include <doctest/doctest.h>

#include <string>

namespace testing_support {

// One request on a fresh connection: `method` `target`, Host, the `extra` header lines ("Name: value\r\n"),
// Content-Length and `body`. REQUIREs an answer.
inline HttpResponse http_fetch(int port, const std::string& method, const std::string& target,
                               const std::string& extra = "", const std::string& body = "") {
    auto r = http_request(port, method + " " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "Content-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body);
    REQUIRE(r);
    return *r;
}

// Sends `bytes` on a fresh connection; the answer must be `status` with Connection: close, then the server's EOF.
inline void expect_error_and_close(int port, const std::string& bytes, int status) {
    RawClient c(port);
    REQUIRE(c.send(bytes));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == status);
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed(2s));
}

}  // namespace testing_support
