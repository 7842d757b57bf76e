// ResponseAccess: the Exchange behind a public Response handle, for framework code that writes a response below
// the public API (static files append their ready-made header lines with set_header_block).
// Threads: loop thread only, like the Response.
#pragma once

#include "duplex/response.h"
#include "http/exchange.h"

namespace duplex::detail {

struct ResponseAccess {
    static Exchange& exchange(const Response& res) noexcept { return *res.ex_; }
};

}  // namespace duplex::detail
