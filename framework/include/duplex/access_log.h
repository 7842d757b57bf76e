/// @file
/// duplex::access_log: one line per finished response, in morgan's formats (combined, common, dev, tiny) or as
/// JSON lines, like Express's morgan:
///
///     app.use(duplex::access_log({.format = duplex::AccessLogFormat::combined}));
///
/// The line is formatted when the response has been handed to the connection, and the lines of one loop turn are
/// written together at the end of the turn (one write for a busy turn, none for a turn without requests).
///
/// Lifetime: the returned middleware may be copied and outlive the App; its sink is kept alive with it.
/// Threads: the sink is called on the loop thread that served the requests (several loop threads sharing one
/// middleware each call it with their own batches).
#pragma once

#include "duplex/router.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace duplex {

/// The line formats.
enum class AccessLogFormat {
    /// `127.0.0.1 - - [03/Dec/2026:10:08:01 +0000] "GET /a HTTP/1.1" 200 12 "referer" "user-agent"`
    combined,
    /// combined without referrer and user agent
    common,
    /// `GET /a 200 0.412 ms - 12`, the status coloured by class (ANSI)
    dev,
    /// `GET /a 200 12 - 0.412 ms`
    tiny,
    /// `{"time":"2026-12-03T10:08:01.123Z","remote":"127.0.0.1","method":"GET","url":"/a","http":"1.1",
    /// "status":200,"bytes":12,"ms":0.412,"referrer":"","user_agent":""}`
    json
};

/// Receives a batch of complete lines (each ending in '\n').
using AccessLogSink = std::function<void(std::string_view lines)>;

/// access_log's settings.
struct AccessLogOptions {
    AccessLogFormat format = AccessLogFormat::combined;  ///< the line format
    AccessLogSink sink;  ///< where batches go; empty: written to stderr (fd 2)
};

/// What one line is made of (the pure formatting step, usable on its own).
struct AccessRecord {
    std::string_view remote;      ///< the peer's "ip:port" (or "[v6]:port"); the port is not logged
    std::string_view method;      ///< request method
    std::string_view url;         ///< request-target as received
    int http_major = 1;           ///< HTTP version, major
    int http_minor = 1;           ///< HTTP version, minor
    int status = 200;             ///< status sent
    std::uint64_t body_bytes = 0; ///< response body bytes ("-" when 0, as morgan's missing Content-Length)
    double ms = 0;                ///< response time in milliseconds
    std::string_view referrer;    ///< Referer header ("" when absent)
    std::string_view user_agent;  ///< User-Agent header ("" when absent)
    std::chrono::system_clock::time_point time;  ///< when the response finished
};

/// Appends one line (with '\n') for r in format to out.
void format_access_line(std::string& out, AccessLogFormat format, const AccessRecord& r);

/// The middleware; see the file comment.
Middleware access_log(AccessLogOptions options = {});

}  // namespace duplex
