// duplex::serve_static: Express-style static files. index.html for directories, MIME types, ETag and
// Last-Modified with 304, Range with 206/416, HEAD, optional Cache-Control, dotfiles hidden. Never serves
// anything outside root: the path is percent-decoded and normalised, NUL and ".." escapes are refused, and
// symlinks are followed only when their target stays inside root. Large files are streamed in 64 KiB chunks
// paced by the connection's backpressure.
//
// Lifetime: the returned Middleware is a value (it holds the options and the canonical root).
// Threads: loop thread only. File reads are synchronous pread()s of at most 64 KiB per loop turn.
#pragma once

#include "duplex/router.h"

#include <chrono>
#include <string>

namespace duplex {

enum class Dotfiles { Ignore, Deny, Allow };  // Ignore: 404 (default); Deny: 403; Allow: serve them

struct StaticOptions {
    std::string index = "index.html";   // "" disables directory indexes
    Dotfiles dotfiles = Dotfiles::Ignore;
    std::chrono::seconds max_age{0};    // > 0: Cache-Control: public, max-age=N
    bool redirect = true;               // "/dir" -> 301 "/dir/" when dir exists
    bool fallthrough = true;            // not found / client errors -> next(), else next(Error)
};

// Serves files under root for GET and HEAD (other methods pass through). Throws std::invalid_argument when
// root does not exist.
Middleware serve_static(const std::string& root, StaticOptions options = {});

}  // namespace duplex
