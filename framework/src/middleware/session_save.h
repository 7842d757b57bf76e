#pragma once
// Saving a session when its response's head is written: the store call and the Set-Cookie line.
// Threads: the request's loop thread.

#include "http/response_head.h"

namespace duplex::detail {

// The session middleware's on-headers hook (MiddlewareAccess::on_headers). Never throws (a failure is logged; the
// response goes out regardless).
void save_session(ResponseHead& head) noexcept;

}  // namespace duplex::detail
