#pragma once
// Which version of a file a path leads to, as stat() reports it: device and inode say which file, size and the
// nanosecond modification and change times say which content. ctime matters because no one can set it: a write
// that keeps the size and puts the old mtime back (touch -d, rsync -t) still moves it.
// Pure functions: any thread, no I/O.

#include <cstdint>
#include <ctime>
#include <sys/stat.h>

namespace duplex::detail::static_files {

struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_sec = 0;
    std::int64_t mtime_nsec = 0;
    std::int64_t ctime_sec = 0;
    std::int64_t ctime_nsec = 0;

    bool operator==(const FileIdentity&) const = default;

    // Modification time in milliseconds since the epoch (what the ETag and Last-Modified are made of).
    std::int64_t mtime_ms() const noexcept { return mtime_sec * 1000 + mtime_nsec / 1000000; }
};

FileIdentity identity_of(const struct stat& info) noexcept;

// A file's timestamps have the file system's granularity (a clock tick on Linux's local file systems, 2 s on
// FAT), so two writes within one tick leave the same identity. A version is settled once its ctime is more than
// this far behind `now`: any later change then gets a later ctime. Only settled versions may be kept in memory.
inline constexpr std::int64_t kSettleSeconds = 2;
bool settled(const FileIdentity& identity, const timespec& now) noexcept;

}  // namespace duplex::detail::static_files
