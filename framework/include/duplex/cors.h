/// @file
/// duplex::cors: Cross-Origin Resource Sharing (the Fetch standard's CORS protocol), like Express's `cors`.
///
/// A request whose Origin is allowed gets Access-Control-Allow-Origin with that very origin echoed (or "*" when
/// `origins` holds "*" and credentials are off; never "*" with credentials, which browsers refuse), plus
/// Access-Control-Allow-Credentials and Access-Control-Expose-Headers as configured, and `Vary: Origin` whenever
/// the answer depends on the origin. A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an
/// allowed origin is answered here with 204, before the router's automatic OPTIONS: allowed methods and headers,
/// Access-Control-Max-Age. A disallowed origin, or a request without Origin, gets no CORS header at all and goes
/// on down the stack as if the middleware were not there: the browser's own enforcement then refuses the page
/// the answer, and same-origin and non-browser clients are served as usual. Nothing is refused silently.
///
/// Lifetime: the Middleware is a value; copies share the options. Threads: loop thread only.
#pragma once

#include "duplex/router.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex {

/// Options of cors(); every field has a default.
struct CorsOptions {
    /// Allowed origins, compared exactly ("http://127.0.0.1:3000": scheme, host, port); "*" allows any.
    std::vector<std::string> origins = {"*"};
    /// When set, decides instead of `origins` (it receives the request's Origin value).
    std::function<bool(std::string_view origin)> allow_origin;
    /// Access-Control-Allow-Methods of a preflight.
    std::vector<std::string> methods = {"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"};
    /// Access-Control-Allow-Headers of a preflight; empty: the headers the preflight asks for are allowed.
    std::vector<std::string> allowed_headers;
    /// Access-Control-Expose-Headers: response headers page scripts may read beyond the CORS-safelisted ones.
    std::vector<std::string> exposed_headers;
    /// Access-Control-Allow-Credentials: true (cookies and HTTP authentication cross origins).
    bool credentials = false;
    /// Access-Control-Max-Age of a preflight (how long browsers may cache it); unset: not sent.
    std::optional<std::chrono::seconds> max_age;
};

/// The middleware; install it before the routes it covers.
Middleware cors(CorsOptions options = {});

}  // namespace duplex
