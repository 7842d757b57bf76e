/// @file
/// Body middlewares. By default the HTTP layer has already read the whole body (bounded by
/// HttpOptions::max_body_bytes) and these check it against a per-route limit and parse it; body::stream() makes a
/// route's body a stream instead (duplex/body_stream.h), which body::multipart() reads as it arrives.
///
/// Lifetime: the returned Middleware is a value; copy it into as many routes as you like.
/// Threads: loop thread only (like every middleware).
#pragma once

#include "duplex/json.h"
#include "duplex/router.h"

#include <cstddef>
#include <cstdint>
#include <functional>
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

/// Options of text().
struct TextOptions {
    std::size_t limit = 100 * 1024;  ///< bigger body -> 413 (body-parser's default)
    /// The media type taken: "text/plain", "text/*" (any text type) or "*/*"; other requests pass through.
    std::string type = "text/plain";
};

/// Checks a text body (body-parser's text()): Content-Type matching options.type, its charset UTF-8 (the default)
/// or US-ASCII (another charset -> Error(415)), its bytes valid in that charset (else Error(400)), and the limit
/// (Error(413)). The text is req.body().
Middleware text(TextOptions options = {});

/// Options of raw().
struct RawOptions {
    std::size_t limit = 100 * 1024;               ///< bigger body -> 413 (body-parser's default)
    std::string type = "application/octet-stream";  ///< as TextOptions::type
};

/// Checks a binary body (body-parser's raw()): Content-Type matching options.type and the limit (Error(413)); other
/// requests pass through. The bytes are req.body().
Middleware raw(RawOptions options = {});

/// Files of body::multipart() to your code instead of temporary files: called with each piece of a file part in
/// order (`last` false), then once with `last` true. `file` has field, filename and content_type, and size so far;
/// pause the flow meanwhile with req.body_stream().pause() and resume() later (on a body::stream() route).
using FileCallback = std::function<void(Request& req, const UploadedFile& file, std::string_view chunk, bool last)>;

/// Options of multipart(). Each limit crossed answers 413 (through next(err)); a malformed body answers 400.
struct MultipartOptions {
    std::size_t max_head_bytes = 8 * 1024;           ///< one part's header section
    std::size_t max_parts = 1000;                    ///< parts, fields and files together
    std::size_t max_files = 10;                      ///< file parts (parts with a filename)
    std::uint64_t max_file_bytes = 64ull << 20;      ///< each file
    std::size_t max_field_bytes = 1 << 20;           ///< each text field's value
    std::uint64_t max_total_bytes = 1ull << 30;      ///< the whole body
    /// Where each request's private upload directory (mode 0700; files 0600) is made; "": $TMPDIR, else /tmp.
    std::string temp_dir;
    FileCallback on_file;                            ///< set: files go here instead of to temporary files
};

/// Parses a multipart/form-data body (RFC 7578; an HTML form with enctype="multipart/form-data") as it arrives:
/// text fields into req.form() (in order), files into temporary files listed by req.files() (see UploadedFile),
/// or to options.on_file. Temporary files are written on libuv's thread pool, the body stream paused while more
/// than 1 MiB waits for the disk; the handlers run once every byte is written, and a failed write (a full disk) is
/// 500 (EFBIG: 413) with the files removed. Best on a body::stream() route, where the body is never held whole
/// (`app.post("/upload", body::stream({...}), body::multipart({...}), handler)`); on a buffered route it parses
/// req.body(). Other content types pass through untouched; a multipart type without a valid boundary is 400.
Middleware multipart(MultipartOptions options = {});

/// Streams the body of this route instead of reading it whole first: put it before the route's handlers
/// (`app.post("/upload", duplex::body::stream({.max_body_bytes = 1ull << 34}), handler)`). The handlers run as soon
/// as the head is in and read through req.body_stream() (duplex/body_stream.h), with pause/resume reaching TCP;
/// `Expect: 100-continue` is answered when the handler starts reading, and an answer sent before reading refuses
/// the body (the connection then closes). A Content-Length over the limit is 413 before any handler runs.
inline StreamBody stream(StreamBody options = {}) { return options; }

}  // namespace duplex::body
