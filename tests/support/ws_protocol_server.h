// ProtocolServer: an in-process WsServer for raw-socket protocol tests, with small limits so that every
// limit is reachable with a few bytes, and every connection recorded in a WsEventLog:
//   /echo   echo; max_message_bytes 64 KiB, max_fragments 8; the text "close-me" makes the server close
//           with 4001 "bye"; close_timeout 300 ms
//   /idle   echo; idle_timeout 300 ms
// Lifetime: the server stops (gracefully, bounded) in the destructor. Threads: the test's.
#pragma once

#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace testing_support {

inline constexpr std::size_t kMaxMessage = 64 * 1024;
inline constexpr std::uint32_t kMaxFragments = 8;
inline constexpr std::chrono::milliseconds kShortTimeout{300};

struct ClosedBy {
    std::uint16_t wire_code = 0;  // the code of the server's Close frame (0: none came)
    bool tcp_closed = false;      // the server closed TCP afterwards
    ConnectionRecord record;      // the server's onclose (code 0 when it did not run)
};

class ProtocolServer {
public:
    ProtocolServer();
    int port() const { return server_.ws_port(); }
    WsEventLog& log() { return log_; }
    ServerThread& server() { return server_; }

    // Opens a connection to /echo, sends `bytes` and reads until the server's Close frame and end of TCP.
    ClosedBy close_after(const std::string& bytes);
    // A fresh url per connection, so that the log can tell them apart.
    std::string unique_url(const std::string& path);

private:
    WsEventLog log_;
    ServerThread server_;
    int next_ = 0;
};

}  // namespace testing_support
