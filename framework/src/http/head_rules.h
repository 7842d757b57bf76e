// check_head: the rules of RFC 9112 about a request's header fields that llhttp 8.1 does not apply itself, checked
// once the head is complete: Host (present on HTTP/1.1, once, valid), a `close` token in any Connection line, and
// transfer codings other than chunked.
//
// Pure: one pass over the header lines, no allocation. Threads: any.
#pragma once

#include "duplex/request.h"

namespace duplex::detail {

struct HeadVerdict {
    int status = 0;                // 0: acceptable; else answer this and close
    const char* reason = nullptr;
    bool close = false;            // a Connection line holds `close` (RFC 9112 9.6), on any version
};

HeadVerdict check_head(const Request& req) noexcept;

}  // namespace duplex::detail
