// The command line of the load generator.
//
// Value type: parsed once on the main thread, then read-only.
#pragma once

#include "client_loop.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace loadgen {

struct Options {
    std::string mode;                  // echo, idle, connect or fanout
    Target target;                     // from --url ws://127.x.x.x:PORT/path (or wss:// for TLS 1.3)
    std::size_t connections = 100;     // -c: connections (echo, idle), concurrent attempts (connect), subscribers (fanout)
    std::size_t size = 32;             // -s: payload bytes (echo, fanout)
    std::size_t inflight = 1;          // -k: messages in flight per connection (echo)
    double duration = 5.0;             // -d: measured seconds; for idle the hold time after reporting (0: until a signal)
    double warmup = 1.0;               // -w: seconds of traffic before the window opens
    std::size_t window = 32;           // --window: fanout messages published but not yet delivered to every subscriber
    std::uint64_t messages = 0;        // -m: fanout messages in total, 0 for as many as the duration allows
    unsigned sources = 0;              // --sources: bind to 127.0.0.2 .. 127.0.0.(1+N); 0 lets the kernel choose
    double settle = 0.5;               // --settle: idle seconds between the last open and the memory reading
    std::size_t prewarm = 0;           // --prewarm: idle connections opened and closed before the baseline reading
    double setup_timeout = 60.0;       // --setup-timeout: seconds allowed for opening the connections
    std::size_t max_pending = 256;     // --max-pending: handshakes in flight while opening
    int server_pid = 0;                // --server-pid: read its CPU time (and memory for idle) from /proc
    Target publish_target;             // --publish-url: fanout's publisher connects there (another process)
    bool separate_publisher = false;   // --publish-url was given
    std::string protocol = "ws";       // --protocol: fanout over plain WebSocket (ws) or socket.io (socketio)
};

// Fills options from argv; on failure returns false and sets error.
bool parse_options(int argc, char** argv, Options& options, std::string& error);

const char* usage();

}  // namespace loadgen
