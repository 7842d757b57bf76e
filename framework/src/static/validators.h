#pragma once
// Validators sent with static files: a weak ETag built from size and modification time (the form express's 'etag'
// package gives file stats), and Last-Modified.
// Pure functions: any thread, no I/O; they append to a caller-owned string.

#include <cstdint>
#include <ctime>
#include <string>

namespace duplex::detail::static_files {

// Appends W/"<size in hex>-<mtime in ms, hex>", e.g. W/"1f-18c2b5e1a40". Weak because equal size and time do not
// prove equal bytes.
void append_etag(std::uint64_t size, std::int64_t mtime_ms, std::string& out);

// The seconds a Last-Modified header states for `mtime_ms` (HTTP dates have no sub-second part).
std::time_t last_modified_seconds(std::int64_t mtime_ms) noexcept;

// Appends the Last-Modified value (an IMF-fixdate) for `mtime_ms`.
void append_last_modified(std::int64_t mtime_ms, std::string& out);

}  // namespace duplex::detail::static_files
