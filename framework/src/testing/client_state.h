// What a TestClient holds (duplex/testing.h), shared by its request side (test_client.cpp) and its WebSocket side
// (test_websocket.cpp).
//
// Lifetime: the TestClient's. Threads: the client's.
#pragma once

#include "duplex/testing.h"
#include "testing/cookie_jar.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace duplex::testing {

struct TestClient::State {
    std::unique_ptr<EventLoop> own_loop;  // remote(): the loop the client drives; else null
    EventLoop* loop = nullptr;
    std::string host = "127.0.0.1";
    int http_port = 0;
    int ws_port = 0;
    TestClientOptions options;
    detail::testing::CookieJar jar;

    // host:port for a Host header or a URL (an IPv6 literal in brackets).
    std::string authority(int port) const;
};

// Filled by the connection's callbacks, read by the TestWebSocket.
struct TestWebSocket::State {
    std::deque<TestMessage> messages;
    bool open = false;
    std::optional<CloseEvent> closed;
    std::string error;  // the onerror message, when the connection failed
};

}  // namespace duplex::testing
