#include "static/resolve_path.h"

#include "duplex/static_files.h"

#include <algorithm>

#include "http/url.h"

namespace duplex::detail::static_files {
namespace {

// Rewrites out[base..] (a decoded path starting with '/') in place into "/seg/seg" form: empty and "." segments
// dropped, ".." removing the previous segment. Returns false when a ".." would climb above `base` (out of the root).
bool normalise_in_place(std::string& out, std::size_t base) {
    const std::size_t end = out.size();
    std::size_t read = base;
    std::size_t write = base;
    while (read < end) {
        while (read < end && out[read] == '/') ++read;
        if (read == end) break;
        const std::size_t start = read;
        while (read < end && out[read] != '/') ++read;
        const std::string_view segment(out.data() + start, read - start);
        if (segment == ".") continue;
        if (segment == "..") {
            if (write == base) return false;
            write = out.rfind('/', write - 1);  // every written segment starts with '/', at or after base
            continue;
        }
        // write <= start - 1 always holds, so copying forward never overwrites unread bytes.
        out[write++] = '/';
        write = static_cast<std::size_t>(std::copy(out.begin() + static_cast<std::ptrdiff_t>(start),
                                                   out.begin() + static_cast<std::ptrdiff_t>(read),
                                                   out.begin() + static_cast<std::ptrdiff_t>(write)) -
                                         out.begin());
    }
    out.resize(write);
    return true;
}

// Any segment of the normalised out[base..] starting with '.' ("." and ".." are gone by now).
bool has_dotfile_segment(std::string_view normalised) noexcept {
    return normalised.find("/.") != std::string_view::npos;
}

}  // namespace

Resolved resolve_path(std::string_view root, std::string_view raw_path, Dotfiles dotfiles, std::string& out) {
    if (root.empty()) root = ".";  // never let an unset root turn into "/"
    while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
    out.assign(root == "/" ? std::string_view{} : root);
    const std::size_t base = out.size();

    // A leading '/' keeps normalise_in_place's writes behind its reads.
    if (raw_path.empty() || raw_path.front() != '/') out.push_back('/');
    const std::size_t decoded_from = out.size();
    const DecodeStatus decoded = percent_decode(raw_path, out, DecodeOptions{.reject_nul = true});
    // A raw NUL is refused like "%00": open() would stop there and serve another file than the one named.
    if (decoded != DecodeStatus::Ok || out.find('\0', decoded_from) != std::string::npos)
        return {ResolveStatus::BadRequest, false};
    const bool wants_directory = out.size() > decoded_from && out.back() == '/';

    if (!normalise_in_place(out, base)) return {ResolveStatus::Forbidden, wants_directory};
    if (dotfiles != Dotfiles::Allow && has_dotfile_segment(std::string_view(out).substr(base))) {
        return {dotfiles == Dotfiles::Deny ? ResolveStatus::Forbidden : ResolveStatus::NotFound, wants_directory};
    }
    if (out.empty()) out.push_back('/');  // the root "/" itself
    return {ResolveStatus::Ok, wants_directory};
}

}  // namespace duplex::detail::static_files
