// The two narrow ways into a Request besides its parser (which builds it), one per writer, so that no writer gets the
// whole object:
// - RequestRouting: what routing records for handlers to read (route params, the running router's mount offset,
//   the matched route's name); written by the router walk and the WebSocket endpoints, read back by the metrics.
// - RequestConnection: what the connection records (the peer's address, a streamed body's pipe), and the reset
//   that readies the request for the next one on the same connection.
// The router's own walk state (the Allow methods, the layer index) is not here: it lives in the walk.
// Threads: loop thread only, like the Request.
#pragma once

#include "duplex/request.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace duplex::detail {

struct RequestRouting {
    static Request::Pairs& params(Request& req) noexcept { return req.params_; }
    // Where the path handed to the running layer starts (req.route_path()).
    static void set_mount_offset(Request& req, std::size_t offset) noexcept { req.mount_offset_ = offset; }
    // The matched route's name (metrics/route_names.h; req.route_pattern()).
    static void set_route(Request& req, std::uint32_t id) noexcept { req.route_id_ = id; }
    // 0 when no route matched.
    static std::uint32_t route(const Request& req) noexcept { return req.route_id_; }
};

struct RequestConnection {
    static void set_remote(Request& req, const std::string& remote) { req.remote_ = remote; }  // capacity kept
    static void set_pipe(Request& req, std::shared_ptr<BodyPipe> pipe) noexcept { req.pipe_ = std::move(pipe); }
    // Empty again, buffers' capacity kept.
    static void clear(Request& req) { req.clear(); }
};

}  // namespace duplex::detail
