/// @file
/// duplex::HttpOptions: every limit and timeout of the HTTP server, with its default and what a peer that
/// crosses it gets. One struct, passed to App (and to WsServer for its handshake requests).
///
/// Lifetime: plain value type, copied by the server at construction. Threads: any.
#pragma once

#include <chrono>
#include <cstddef>

namespace duplex {

/// Limits and timeouts of an HTTP server; each member says what a peer crossing it gets.
struct HttpOptions {
    std::size_t max_url_bytes = 8 * 1024;          ///< request-target longer -> 414, connection closed
    std::size_t max_header_bytes = 16 * 1024;      ///< all header names+values -> 431, connection closed
    std::size_t max_header_count = 100;            ///< more header lines -> 431, connection closed
    std::size_t max_body_bytes = 1024 * 1024;      ///< request body (Content-Length or chunked) -> 413, closed
    std::size_t max_chunk_extension_bytes = 16 * 1024;  ///< all chunk extensions of one body -> 413, closed
    std::size_t max_pipelined = 16;                ///< responses waiting in order; reading pauses beyond this
    std::size_t write_high_water = 256 * 1024;     ///< Response::write returns Backpressure above this
    std::chrono::milliseconds header_timeout{10000};    ///< a request's head must arrive within -> 408, closed
    std::chrono::milliseconds body_timeout{30000};      ///< max silence between body bytes -> 408, closed
    std::chrono::milliseconds idle_timeout{5000};       ///< keep-alive connection with nothing to do -> closed
    /// Answers owed but the peer takes none of their bytes for this long -> closed. Any progress restarts it, so
    /// a slow reader or a pipelining client that pauses keeps its answers; an application still working on one
    /// is never cut.
    std::chrono::milliseconds send_timeout{30000};
    std::chrono::milliseconds shutdown_timeout{5000};   ///< graceful close: in-flight responses get this long
};

}  // namespace duplex
