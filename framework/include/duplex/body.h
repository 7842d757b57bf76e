/// @file
/// Body middlewares. The HTTP layer has already read the whole body (bounded by HttpOptions::max_body_bytes);
/// these check it against a per-route limit and parse it.
///
/// Lifetime: the returned Middleware is a value; copy it into as many routes as you like.
/// Threads: loop thread only (like every middleware).
#pragma once

#include "duplex/json.h"
#include "duplex/router.h"

#include <cstddef>
#include <string>

namespace duplex::body {

/// Options of body::json().
struct JsonOptions {
    std::size_t limit = 100 * 1024;  ///< bigger body -> 413 (Express's default)
    /// Only parse when Content-Type is JSON (application/json or +json); other requests pass through
    /// untouched. Off by default: any body is parsed as JSON.
    bool require_json_type = false;
    /// Deeper nesting of arrays and objects -> 400. Copying or writing a JSON value recurses once per level, so
    /// without a bound a small body ("[[[[...") could overflow the stack when echoed back.
    std::size_t max_depth = 512;
};

/// Parses the body as JSON into req.json(). Invalid JSON -> Error(400, "invalid JSON body"), nesting deeper than
/// max_depth -> Error(400), over the limit -> Error(413). An empty body is invalid JSON too (400).
Middleware json(JsonOptions options = {});

/// Options of urlencoded().
struct UrlencodedOptions {
    std::size_t limit = 100 * 1024;  ///< bigger body -> 413 (body-parser's default)
    std::size_t max_fields = 1000;   ///< more name=value pairs -> 413 (body-parser's parameterLimit)
    /// Only parse when Content-Type is application/x-www-form-urlencoded (as body-parser); other requests pass
    /// through untouched. Off: any body is parsed as a form.
    bool require_type = true;
};

/// Parses an application/x-www-form-urlencoded body (an HTML form's POST) into req.form() / req.form_params():
/// pairs split on '&', the first '=' splits name from value, '+' is a space, %XX a byte; repeated names are kept in
/// order. A '%' not followed by two hex digits -> Error(400); over the limit or max_fields -> Error(413).
Middleware urlencoded(UrlencodedOptions options = {});

/// Streams the body of this route instead of reading it whole first: put it before the route's handlers
/// (`app.post("/upload", duplex::body::stream({.max_body_bytes = 1ull << 34}), handler)`). The handlers run as soon
/// as the head is in and read through req.body_stream() (duplex/body_stream.h), with pause/resume reaching TCP;
/// `Expect: 100-continue` is answered when the handler starts reading, and an answer sent before reading refuses
/// the body (the connection then closes). A Content-Length over the limit is 413 before any handler runs.
inline StreamBody stream(StreamBody options = {}) { return options; }

}  // namespace duplex::body
