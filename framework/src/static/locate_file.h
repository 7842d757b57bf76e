#pragma once
// The file-system half of static path resolution: symlinks may not lead out of the root, directories are answered by
// their index file or by a redirect to the slash-terminated URL, only regular files are served.
// Functions: any thread, no shared state; they make BLOCKING syscalls (realpath, stat), so a caller on the event loop
// should run them on a worker (uv_queue_work) or accept the latency of a local disk.

#include "static/file_identity.h"

#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail::static_files {

// realpath() of the configured root, computed once when the middleware is created. nullopt when it does not exist
// or is not a directory.
std::optional<std::string> canonical_root(std::string_view root);

enum class LocateStatus {
    File,                 // serve `path` (see locate_file)
    RedirectToDirectory,  // a directory asked for without a trailing slash: 301 to the URL + '/' (express does)
    NotFound,             // missing, outside the root through a symlink, a directory without index, not a regular file
    Error,                // any other syscall failure (EACCES, ELOOP, EIO...): 500, as express's 'send' answers
};

struct Located {
    LocateStatus status = LocateStatus::NotFound;
    FileIdentity identity;  // on File: the version found (size and times for the validators)
};

// `path` is resolve_path()'s output for a root whose canonical form is `real_root`; `wants_directory` is its flag.
// On File, `path` is replaced by the canonical path of the file to open (symlink-free, so opening it with O_NOFOLLOW
// narrows the window in which a swapped symlink could redirect the read). `index` is the file name tried inside a
// directory ("index.html"); empty disables directory indexes.
Located locate_file(std::string_view real_root, std::string& path, bool wants_directory,
                    std::string_view index = "index.html");

}  // namespace duplex::detail::static_files
