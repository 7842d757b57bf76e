// Shared checks of the HTTP integration tests on raw sockets.
// Threads: the test's. Header-only because it holds doctest assertions (integration executable only).
#pragma once

#include "support/raw_client.h"

#include <doctest/doctest.h>

#include <string>

namespace testing_support {

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
