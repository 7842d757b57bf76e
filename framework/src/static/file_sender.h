// Sends one regular file as the answer to a request: validators, conditional and Range decisions, headers,
// and the body (small files in one piece, large ones streamed in chunks paced by backpressure).
// Threads: loop thread only.
#pragma once

#include "duplex/request.h"
#include "duplex/response.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace duplex::detail::static_files {

struct FileInfo {
    std::string path;
    std::uint64_t size = 0;
    std::int64_t mtime_ms = 0;
};

void send_file(Request& req, Response res, const FileInfo& file, std::chrono::seconds max_age);

}  // namespace duplex::detail::static_files
