// FileAnswer: the four things the static file sender does below the public Response API, and nothing more: set its
// ready-made header lines, send a whole body from memory, hand bytes that stay put to the kernel without a copy, queue
// bytes held by an owner without a copy.
// Everything else it does through the Response like any handler. Implemented with the Response (http/response.cpp).
// Threads: loop thread only, like the Response; each call is a no-op on a finished response or a gone peer.
#pragma once

#include "duplex/response.h"

#include <cstddef>
#include <memory>
#include <string_view>

namespace duplex::detail {

class FileAnswer {
public:
    // Header lines built by the framework ("Name: value\r\n" each, valid by construction): see set_header_block.
    static void set_headers(Response& res, std::string_view block);
    // The whole body with its Content-Length (none for HEAD); finishes the response.
    static void send_whole(Response& res, std::string_view body);
    // Body bytes that stay valid (a cached file): how many the kernel took now; see write_body_now.
    static std::size_t write_now(Response& res, std::string_view bytes);
    // Body bytes that owner keeps valid (a file's read buffer), queued without a copy; see write_body_kept.
    static SendResult write_kept(Response& res, std::string_view bytes, const std::shared_ptr<const void>& owner);
};

}  // namespace duplex::detail
