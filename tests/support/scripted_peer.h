// ScriptedPeer: a one-connection TCP server on 127.0.0.1 port 0 that plays a WebSocket server the way a test
// scripts it (usually a broken one). On its own thread it accepts one connection, reads the client's upgrade
// request head and hands both to the script; every wait is bounded.
// Lifetime: the destructor joins the thread (scripts must end by themselves, bounded). Threads: the test's.
#pragma once

#include "support/raw_client.h"

#include <functional>
#include <string>
#include <thread>

namespace testing_support {

class ScriptedPeer {
public:
    using Script = std::function<void(RawClient& conn, const std::string& request)>;

    explicit ScriptedPeer(Script script);
    ~ScriptedPeer();
    ScriptedPeer(const ScriptedPeer&) = delete;
    ScriptedPeer& operator=(const ScriptedPeer&) = delete;

    int port() const { return port_; }
    // Waits for the script to end; read what the script recorded only after this.
    void join();

    // The Sec-WebSocket-Accept that answers the request's Sec-WebSocket-Key.
    static std::string accept_for(const std::string& request);
    // A correct 101 response for the request, with `extra_headers` ("Name: value\r\n" lines) before the blank line.
    static std::string switching_protocols(const std::string& request, const std::string& extra_headers = "");

private:
    int listen_fd_ = -1;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace testing_support
