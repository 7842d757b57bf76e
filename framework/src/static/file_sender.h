// Sends one version of a file (a FileEntry) as the answer to a request: conditional and Range decisions, the
// entry's ready-made header lines, and the body, from memory when the entry holds it, else read from disk on libuv's
// thread pool. Up to one 64 KiB chunk goes out whole; more is streamed chunk by chunk, paced by the connection's
// backpressure. Threads: loop thread only.
#pragma once

#include "duplex/request.h"
#include "duplex/response.h"
#include "static/file_entry.h"

#include <atomic>
#include <memory>
#include <string>

namespace duplex::detail::static_files {

// Test seam: each disk read of a body sleeps this long first on its thread-pool thread (a slow disk). 0 in production.
extern std::atomic<int> file_read_delay_ms;

// The stream keeps `file` (and so an in-memory body) alive until the last byte is handed over.
void send_file(Request& req, Response res, std::shared_ptr<const FileEntry> file);

// Response::send_file(path) (through the server): the current version of the file at `path`, uncached; 404 when
// it is not a regular file.
void send_path(Request& req, Response res, const std::string& path);

}  // namespace duplex::detail::static_files
