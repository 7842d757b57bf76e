// HttpHost: what an HttpSession needs from the server that accepted it (App, or WsServer's handshake front).
//
// Lifetime: outlives every session it accepted (servers close their sessions before they go).
// Threads: loop thread only.
#pragma once

#include "duplex/http_options.h"
#include "duplex/response.h"
#include "metrics/http_counters.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace duplex::detail {

struct Exchange;
class HttpSession;
class Socket;

class HttpHost {
public:
    virtual ~HttpHost() = default;
    virtual const HttpOptions& http_options() const = 0;
    // A complete request (body included). The handler may answer now or keep `res` and answer later.
    // Must not throw.
    virtual void handle_request(Request& req, Response& res) = 0;
    // Streamed bodies: whether any route streams (the session only then asks, per request with a body), and the
    // body limit of the stream route this request goes to (nullopt: buffer it whole, as usual).
    virtual bool may_stream() const { return false; }
    virtual std::optional<std::uint64_t> stream_limit(const Request&) const { return std::nullopt; }
    // A request that asked for an upgrade. Return true after switching the socket to another protocol
    // (rest/n: bytes already received after the request, to hand to it). Return false to have it handled as
    // an ordinary request (or after answering an error through res). Must not throw.
    virtual bool handle_upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n) = 0;
    // Response::send_file: the file sender lives in static/, above http/; the server, above both, joins them.
    // May throw duplex::Error (the file cannot be opened), into the handler that called send_file.
    virtual void send_file(Request& req, Response& res, const std::string& path) = 0;
    // A response has been completely handed to the connection (access log, metrics).
    virtual void on_response_done(const Exchange& ex) = 0;
    virtual void on_session_open(HttpSession& s) = 0;
    virtual void on_session_closed(HttpSession& s) = 0;

    // The built-in HTTP metrics: sessions count into them directly (plain integers, loop thread).
    HttpCounters counters;
};

}  // namespace duplex::detail
