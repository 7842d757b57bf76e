/// @file
/// duplex::compression: Express's `compression` middleware, built in. Answers are coded with br, gzip or deflate,
/// whichever the request's Accept-Encoding weighs highest (ties: br, gzip, deflate), for res.send / res.json /
/// res.end and for streamed answers (res.write): a stream is flushed at every write, so it keeps streaming, and
/// holds a fixed amount of coder memory however long it runs (262 KiB for gzip and deflate, 390 KiB for br at the
/// default level), with backpressure counted on the coded bytes. Static files served by serve_static after it
/// keep their coded forms in their file cache (made once per file version, best quality) and are served from
/// `.br` / `.gz` files next to them when those exist.
///
/// Left alone: bodies under `threshold` (a stream whose Content-Length says so), media types already compressed
/// (images but SVG, audio, video, archives, fonts woff/woff2) unless `filter` says otherwise, 206 and other
/// answers without a body, HEAD, answers that already have a Content-Encoding or say Cache-Control: no-transform,
/// and requests without Accept-Encoding or with one outside RFC 9110's grammar (identity is always acceptable).
/// `Vary: Accept-Encoding` is added to every answer. A coded answer's ETag gets the coding as a suffix inside its
/// quotes (W/"1f-18c" becomes W/"1f-18c-br"); its Content-Length is the coded size, or it is chunked.
///
/// Lifetime: the Middleware is a value; copies share the options. Threads: loop thread only.
#pragma once

#include "duplex/router.h"

#include <cstddef>
#include <functional>
#include <string_view>

namespace duplex {

/// Options of compression(); every field has a default.
struct CompressionOptions {
    /// Bodies smaller than this are sent as they are (coding them costs more than it saves).
    std::size_t threshold = 1024;
    /// zlib's level (1-9) for gzip and deflate, brotli's quality (0-11) for br; -1: zlib 6, brotli 1 for streams
    /// (its memory, see above) and 5 for whole bodies. Cached static files are coded once, at the best level
    /// (gzip 9, br 11; br 9 above 64 KiB).
    int level = -1;
    /// Whether an answer of this Content-Type ("" when none was set) may be coded; unset: everything but the
    /// already compressed types listed above.
    std::function<bool(std::string_view content_type)> filter;
    /// The codings offered.
    ///@{
    bool br = true;
    bool gzip = true;
    bool deflate = true;
    ///@}
};

/// The middleware; install it before the routes and static files whose answers it should code.
Middleware compression(CompressionOptions options = {});

}  // namespace duplex
