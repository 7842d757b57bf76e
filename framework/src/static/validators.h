#pragma once
// Validators sent with static files: a strong ETag built from the file's identity (device, inode, size and the
// nanosecond modification time, as nginx and Apache do), and Last-Modified.
// Pure functions: any thread, no I/O; they append to a caller-owned string.

#include <cstdint>
#include <ctime>
#include <string>

#include "static/file_identity.h"

namespace duplex::detail::static_files {

// Appends "<device>-<inode>-<size>-<mtime seconds>.<mtime nanoseconds>", each in hex, e.g. "803-1a2b-1f-65a1b2c3.5f5e0ff".
// Strong (RFC 9110 8.8.1): the same file, size and mtime to the nanosecond are taken as the same bytes, so If-Range
// with it resumes a download (RFC 9110 13.1.5 compares strongly). Weak tags are for what may differ in bytes while
// meaning the same (compressed variants).
void append_etag(const FileIdentity& file, std::string& out);

// The seconds a Last-Modified header states for `mtime_ms` (HTTP dates have no sub-second part).
std::time_t last_modified_seconds(std::int64_t mtime_ms) noexcept;

// Appends the Last-Modified value (an IMF-fixdate) for `mtime_ms`.
void append_last_modified(std::int64_t mtime_ms, std::string& out);

}  // namespace duplex::detail::static_files
