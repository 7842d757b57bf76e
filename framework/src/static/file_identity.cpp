#include "static/file_identity.h"

namespace duplex::detail::static_files {

FileIdentity identity_of(const struct stat& info) noexcept {
    return {
        .device = static_cast<std::uint64_t>(info.st_dev),
        .inode = static_cast<std::uint64_t>(info.st_ino),
        .size = static_cast<std::uint64_t>(info.st_size),
        .mtime_sec = static_cast<std::int64_t>(info.st_mtim.tv_sec),
        .mtime_nsec = static_cast<std::int64_t>(info.st_mtim.tv_nsec),
        .ctime_sec = static_cast<std::int64_t>(info.st_ctim.tv_sec),
        .ctime_nsec = static_cast<std::int64_t>(info.st_ctim.tv_nsec),
    };
}

bool settled(const FileIdentity& identity, const timespec& now) noexcept {
    // Compared as (seconds, nanoseconds) pairs: ctime + kSettleSeconds < now. A ctime in the future (a skewed
    // network file system) is never settled, which only costs speed.
    const std::int64_t limit_sec = identity.ctime_sec + kSettleSeconds;
    const auto now_sec = static_cast<std::int64_t>(now.tv_sec);
    const auto now_nsec = static_cast<std::int64_t>(now.tv_nsec);
    return limit_sec < now_sec || (limit_sec == now_sec && identity.ctime_nsec < now_nsec);
}

}  // namespace duplex::detail::static_files
