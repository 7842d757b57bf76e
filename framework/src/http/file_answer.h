// FileAnswer: what the static file sender does below the public Response API, and nothing more: set its ready-made
// header lines, send a whole body from memory, hand bytes that stay put to the kernel without a copy, queue bytes
// held by an owner (a file's read buffer) without a copy, and send a cached file's coded form (br, gzip, ...) in
// place of the body coding it on the fly, when a body transform (compression) is installed on the response.
// Everything else it does through the Response like any handler; it never sees the transform. Implemented with the
// Response (http/response.cpp).
// Threads: loop thread only, like the Response; each call is a no-op on a finished response or a gone peer.
#pragma once

#include "duplex/response.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
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

    // The name of the form (e.g. "br") the response's body transform would make of a whole body of `size` bytes of
    // `content_type`, so that the sender can keep that form; "" when there is no transform or it would leave such
    // a body alone (see BodyTransform::form_for).
    static std::string_view coded_form(const Response& res, std::string_view content_type, std::uint64_t size);
    // Appends to `out` the form coded_form() named of the whole `body`, made by the response's transform to be kept
    // (at its best, however long that takes once); false when there is no transform or it makes no such form.
    static bool make_form(const Response& res, std::string_view body, std::string& out);
    // Sends `coded`, the form coded_form() named of a whole body of `size` bytes, as the answer, with the headers
    // the transform sets for it, and drops the transform (the bytes are coded already). False when there is no
    // transform or it declines (nothing is sent; the transform is dropped all the same, and the body goes as it is).
    static bool send_coded(Response& res, std::string_view coded, std::uint64_t size);
};

}  // namespace duplex::detail
