/// @file
/// duplex::serve_static: Express-style static files. index.html for directories, MIME types, ETag and
/// Last-Modified with 304, Range with 206/416, HEAD, optional Cache-Control, dotfiles hidden. Never serves
/// anything outside root: the path is percent-decoded and normalised, NUL and ".." escapes are refused, and
/// symlinks are followed only when their target stays inside root. Files the cache does not hold are read on
/// libuv's thread pool (one read up to 1 MiB + 64 KiB, else reads of 64 KiB to 1 MiB by the client's pace) and sent
/// paced by the connection's backpressure.
///
/// Cache: each middleware remembers the files it served (canonical path, validators, ready-made headers, and the
/// bytes of small files), so a repeated request costs one stat() instead of a realpath(), stat(), open() and reads.
/// Every request still stat()s the path it names, following symlinks: an edit (even one keeping size and mtime, by
/// ctime), a deleted or replaced file, or a symlink retargeted anywhere along the path is seen at once, and the
/// full check against the root runs again. (One change keeps a file's identity: a directory moved out of root and
/// linked back in: its files are served as they were, bytes that were inside root, until they change.)
/// Misses are never remembered. A file changed within the last 2 s is read from disk until its timestamps can tell
/// a later change apart (file systems stamp times in ticks). On a network file system whose stat() answers from an
/// attribute cache (NFS), edits show when that cache expires: set cache_entries = 0 there.
///
/// Lifetime: the returned Middleware is a value; its copies share the canonical root, options and cache. The cache
/// belongs to the middleware, not to the thread: its bounds are the middleware's options and its entries were
/// checked against the middleware's root.
/// Threads: loop thread only. A small file's body (and a coded form kept with it) is read on the loop once per
/// version, when the cache takes it; other reads run on libuv's thread pool. The first thread serving
/// through the middleware owns the cache; a copy used on another loop's thread serves without it.
#pragma once

#include "duplex/router.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace duplex {

/// What serve_static does with a path naming a dotfile (".env", ".git/...").
enum class Dotfiles {
    Ignore,  ///< as if absent: 404 (default)
    Deny,    ///< 403
    Allow,   ///< serve them
};

/// Options of serve_static(), with their defaults.
struct StaticOptions {
    std::string index = "index.html";   ///< served for a directory; "" disables directory indexes
    Dotfiles dotfiles = Dotfiles::Ignore;  ///< see Dotfiles
    std::chrono::seconds max_age{0};    ///< > 0: Cache-Control: public, max-age=N
    bool redirect = true;               ///< "/dir" -> 301 "/dir/" when dir exists
    bool fallthrough = true;            ///< not found / client errors -> next(), else next(Error)
    std::size_t cache_entries = 1024;        ///< files remembered, least recently used out first; 0: no cache
    std::size_t cache_bytes = 16 << 20;      ///< bytes of file bodies kept in memory in all; 0: none kept
    std::size_t cache_file_bytes = 1 << 20;  ///< larger files are always streamed from disk; 0: none kept
};

/// Serves files under root for GET and HEAD (other methods pass through). Throws std::invalid_argument when
/// root does not exist.
Middleware serve_static(const std::string& root, StaticOptions options = {});

}  // namespace duplex
