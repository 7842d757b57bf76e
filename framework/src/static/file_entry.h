#pragma once
// FileEntry: what answering for one version of a file needs, computed once: where the file is, how to tell that
// this version is still what the request path leads to, its validators and ready-made header lines, and for small
// files the bytes themselves. Entries are immutable once built and shared (shared_ptr<const FileEntry>) by the
// cache and the responses in flight, so an entry dropped from the cache lives until the last response using it
// is done.
// Threads: any; the functions make blocking syscalls (stat, open, read) like the rest of static file serving.

#include "static/coded_forms.h"
#include "static/file_identity.h"

#include <chrono>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail::static_files {

struct FileEntry {
    std::string real_path;   // canonical (symlink-free) path, opened with O_NOFOLLOW
    std::string check_path;  // the path as requested under the root, stat()ed to revalidate (see still_current)
    FileIdentity identity;   // the version described, as stat() saw it when the path was checked against the root
    std::string etag;
    std::time_t last_modified = 0;    // the seconds stated in Last-Modified
    std::optional<std::string> body;  // the whole file, when it is kept in memory (see load_body)
    // Coded forms of `body` (compression), made on demand: the one part that changes after the entry is shared,
    // only ever on the thread that owns the cache holding it (coded_forms.h).
    mutable CodedForms coded;

    // "Name: value\r\n" lines for each kind of answer, all prefixes of one string.
    // 412 and 416: Cache-Control, Last-Modified, ETag.
    std::string_view validator_headers() const noexcept { return {headers_.data(), validators_end_}; }
    // 304: the validators and Accept-Ranges.
    std::string_view not_modified_headers() const noexcept { return {headers_.data(), not_modified_end_}; }
    // 200 and 206: the validators, Accept-Ranges and Content-Type.
    std::string_view content_headers() const noexcept { return headers_; }
    // The Content-Type value.
    std::string_view content_type() const noexcept {
        return std::string_view(headers_).substr(type_begin_, headers_.size() - 2 - type_begin_);  // before CRLF
    }

private:
    friend FileEntry make_entry(std::string, std::string, const FileIdentity&, std::chrono::seconds);
    std::string headers_;
    std::size_t validators_end_ = 0;
    std::size_t not_modified_end_ = 0;
    std::size_t type_begin_ = 0;  // the Content-Type value, the last line
};

// The entry for the version `identity` of the file at `real_path` (its MIME type follows real_path's extension),
// without a body. `max_age` > 0 makes Cache-Control "public, max-age=N", else "public, max-age=0".
FileEntry make_entry(std::string real_path, std::string check_path, const FileIdentity& identity,
                     std::chrono::seconds max_age);

// Opens real_path for reading. Returns the descriptor, or -1 with errno set; ESTALE when another version of the
// file (or another file) is there now.
int open_current(const FileEntry& entry);

// Reads the whole file into entry.body. False (and no body) when it cannot be read or what was read is not the
// version the entry describes: the bytes kept always belong to its validators.
bool load_body(FileEntry& entry);

// One stat() of check_path, following symlinks: true while it still leads to the version the entry describes.
// Any edit (ctime), a replaced file or a symlink retargeted anywhere along the path (inode) makes it false; a
// directory moved out of the root and linked back in does not (static_files.h says why that reveals nothing).
bool still_current(const FileEntry& entry);

}  // namespace duplex::detail::static_files
