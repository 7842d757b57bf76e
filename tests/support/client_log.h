// ClientLog: records every callback of one duplex::connect client as a line of text, with the ready state seen
// inside the callback, so that tests compare exact callback sequences. run_loop runs an EventLoop on the test's
// thread until it ends by itself (every connection closed) or a bound passes.
// Lifetime: a ClientLog must outlive the loop run of the client it records. Threads: the test's.
#pragma once

#include <duplex/duplex.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace testing_support {

using namespace std::chrono_literals;

struct ClientLog {
    // "open", "message text <data>" (or "<n> bytes" past 64 bytes), "message binary <n> bytes", "ping <payload>",
    // "pong <payload>", "drain", "error", "close <code> <reason> clean|unclean".
    std::vector<std::string> events;
    std::vector<duplex::ReadyState> states;                // ready_state() inside each callback, in order
    std::vector<std::pair<bool, std::string>> messages;    // (binary, data) of each message
    std::string error;                                     // the message of the last onerror
    std::optional<duplex::CloseEvent> close;

    // The events joined with " | ", as tests compare them: "open | message text hi | close 1000  clean".
    std::string summary() const;

    // `options` with every callback wrapped: the event is logged first, then the test's own callback (if any) runs.
    duplex::ClientOptions wrap(duplex::ClientOptions options);
};

// Runs loop until it ends by itself (true) or `bound` passes (false: the loop is stopped).
bool run_loop(duplex::EventLoop& loop, std::chrono::milliseconds bound = 10s);

// Connects to url with `options` logged, on a fresh loop run until the connection is over. A loop still busy
// after `bound` is stopped and "loop timed out" ends the event log.
ClientLog exchange(const std::string& url, duplex::ClientOptions options, std::chrono::milliseconds bound = 20s);

// Options for an echo server: send the first of `messages` ((binary, data) pairs) on open and each next one when a
// message comes back, then close with 1000 "done" once the last came back. One at a time, so that big messages
// never meet a send-buffer limit.
duplex::ClientOptions echo_in_turn(std::vector<std::pair<bool, std::string>> messages);

// n bytes of varied lower-case ASCII: valid text, compressible, not periodic over short spans.
std::string sample_text(std::size_t n);

}  // namespace testing_support
