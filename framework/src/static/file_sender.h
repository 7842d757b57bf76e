// Sends one version of a file (a FileEntry) as the answer to a request: conditional and Range decisions, the
// entry's ready-made header lines, and the body, from memory when the entry holds it, else read from disk. Up to
// one 64 KiB chunk goes out whole; more is streamed chunk by chunk, each once the connection has drained.
// Threads: loop thread only.
#pragma once

#include "duplex/request.h"
#include "duplex/response.h"
#include "static/file_entry.h"

#include <memory>
#include <string>

namespace duplex::detail::static_files {

// The stream keeps `file` (and so an in-memory body) alive until the last byte is handed over.
void send_file(Request& req, Response res, std::shared_ptr<const FileEntry> file);

// Response::send_file(path) (through the server): the current version of the file at `path`, uncached; 404 when
// it is not a regular file.
void send_path(Request& req, Response res, const std::string& path);

}  // namespace duplex::detail::static_files
