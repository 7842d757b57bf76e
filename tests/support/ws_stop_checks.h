// The check of a server process stopped while WebSocket clients are open (the demo's and the examples' tests).
// Threads: the test's. Header-only because it holds doctest assertions.
#pragma once

#include "support/process.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <vector>

namespace testing_support {

// SIGTERM to `server`: every client must be sent close 1001 (going away), and once each has answered it and closed
// its end of TCP (so the graceful close need not wait), the server must exit 0.
inline void expect_graceful_stop(Process& server, std::vector<std::unique_ptr<WsRawClient>>& clients) {
    server.signal(SIGTERM);
    for (auto& c : clients) {
        auto closing = c->read_close();
        REQUIRE(closing);
        CHECK(closing->close_code() == 1001);
        REQUIRE(c->send_frame(close_payload(1001), {.opcode = op::close}));
        c->raw().close();
    }
    CHECK(server.wait(10s) == 0);
}

}  // namespace testing_support
