// MiddlewareAccess: the exchange behind a public Response, for the built-in middleware that works just below the
// public API: compression installs a body transform (and the static file sender asks it for a file's coded
// form), compression and CORS add names to Vary, sessions write Set-Cookie right before the head. Handlers and
// the rest of the framework go through Response (and the file sender through FileAnswer).
// Threads: loop thread only, like the Response.
#pragma once

#include "duplex/response.h"
#include "http/exchange.h"

namespace duplex::detail {

struct MiddlewareAccess {
    static Exchange& exchange(const Response& res) noexcept { return *res.ex_; }
};

}  // namespace duplex::detail
