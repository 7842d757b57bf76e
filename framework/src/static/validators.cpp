#include "static/validators.h"

#include <array>
#include <charconv>

#include "http/http_date.h"

namespace duplex::detail::static_files {
namespace {

void append_hex(std::uint64_t value, std::string& out) {
    std::array<char, 16> digits;  // enough for any 64-bit value in hex, so to_chars cannot fail
    out.append(digits.data(), std::to_chars(digits.data(), digits.data() + digits.size(), value, 16).ptr);
}

}  // namespace

void append_etag(const FileIdentity& file, std::string& out) {
    out.push_back('"');
    append_hex(file.device, out);
    out.push_back('-');
    append_hex(file.inode, out);
    out.push_back('-');
    append_hex(file.size, out);
    out.push_back('-');
    // A time before 1970: a minus sign, then the magnitude (the nanoseconds are never negative).
    const std::int64_t s = file.mtime_sec;
    if (s < 0) out.push_back('-');
    append_hex(s < 0 ? 0 - static_cast<std::uint64_t>(s) : static_cast<std::uint64_t>(s), out);
    out.push_back('.');
    append_hex(static_cast<std::uint64_t>(file.mtime_nsec), out);
    out.push_back('"');
}

std::time_t last_modified_seconds(std::int64_t mtime_ms) noexcept {
    // Floor, not truncation, so that times before 1970 round down like the file system's seconds do.
    const std::int64_t seconds = mtime_ms / 1000 - (mtime_ms % 1000 < 0 ? 1 : 0);
    return static_cast<std::time_t>(seconds);
}

void append_last_modified(std::int64_t mtime_ms, std::string& out) {
    append_http_date(last_modified_seconds(mtime_ms), out);
}

}  // namespace duplex::detail::static_files
