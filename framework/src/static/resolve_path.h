#pragma once
// Maps a request path to a file path under a static root without touching the file system: decoding, NUL and
// traversal refusal, '.' and '//' normalisation, dotfile policy (the decisions express's 'send' makes before stat).
// Pure function: any thread, no I/O. locate_file.h does the file-system half.

#include <string>
#include <string_view>

namespace duplex {
// The one definition is public (duplex/static_files.h: Ignore answers 404, Deny 403, Allow serves them); the
// declaration keeps this pure header light.
enum class Dotfiles;
}  // namespace duplex

namespace duplex::detail::static_files {

using duplex::Dotfiles;

enum class ResolveStatus {
    Ok = 200,
    BadRequest = 400,  // malformed %-escape, or a NUL byte (escaped or not)
    Forbidden = 403,   // a ".." that would climb above the root, or a dotfile under Dotfiles::Deny
    NotFound = 404,    // a dotfile under Dotfiles::Ignore
};

struct Resolved {
    ResolveStatus status = ResolveStatus::Ok;
    // The decoded path ended with '/': only a directory's index may answer it, never a file.
    bool wants_directory = false;
};

// `root` is the directory served (ideally already canonical, see canonical_root(); empty means "."); `raw_path` is the still-encoded
// request path after the mount prefix ("/" or "" for the root itself). On Ok, `out` is set to root + "/" + the
// normalised relative path (just root for the root itself); on other statuses its content is unspecified.
// Backslashes are ordinary bytes here, as POSIX file names allow them.
Resolved resolve_path(std::string_view root, std::string_view raw_path, Dotfiles dotfiles, std::string& out);

}  // namespace duplex::detail::static_files
