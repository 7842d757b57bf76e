#include "static/file_entry.h"

#include "static/mime_types.h"
#include "static/validators.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace duplex::detail::static_files {

namespace {

void append_line(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

FileEntry make_entry(std::string real_path, std::string check_path, const FileIdentity& identity,
                     std::chrono::seconds max_age) {
    FileEntry entry;
    entry.identity = identity;
    append_etag(identity, entry.etag);
    entry.last_modified = last_modified_seconds(identity.mtime_ms());

    std::string& h = entry.headers_;
    h.append("Cache-Control: public, max-age=").append(std::to_string(max_age.count() > 0 ? max_age.count() : 0));
    h.append("\r\nLast-Modified: ");
    append_last_modified(identity.mtime_ms(), h);
    h.append("\r\n");
    append_line(h, "ETag", entry.etag);
    entry.validators_end_ = h.size();
    append_line(h, "Accept-Ranges", "bytes");
    entry.not_modified_end_ = h.size();
    h.append("Content-Type: ");
    entry.type_begin_ = h.size();
    h.append(content_type_for(real_path)).append("\r\n");

    entry.real_path = std::move(real_path);
    entry.check_path = std::move(check_path);
    return entry;
}

int open_current(const FileEntry& entry) {
    // The path is canonical (no symlinks left): O_NOFOLLOW narrows the race with a symlink swapped in since.
    const int fd = ::open(entry.real_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || identity_of(info) != entry.identity) {
        ::close(fd);
        errno = ESTALE;
        return -1;
    }
    return fd;
}

bool load_body(FileEntry& entry) {
    const int fd = open_current(entry);
    if (fd < 0) return false;
    std::string bytes(static_cast<std::size_t>(entry.identity.size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    // A write(2) during the read moved ctime (it is stamped before the data is copied), so a second look tells
    // whether the bytes are all of this version.
    struct stat after {};
    const bool same = done == bytes.size() && ::fstat(fd, &after) == 0 && identity_of(after) == entry.identity;
    ::close(fd);
    if (same) entry.body = std::move(bytes);
    return same;
}

bool still_current(const FileEntry& entry) {
    struct stat info {};
    return ::stat(entry.check_path.c_str(), &info) == 0 && identity_of(info) == entry.identity;
}

}  // namespace duplex::detail::static_files
