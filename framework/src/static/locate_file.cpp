#include "static/locate_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

namespace duplex::detail::static_files {
namespace {

struct FreeDeleter {
    void operator()(char* p) const noexcept { std::free(p); }
};

// express's 'send' answers 404 for these errors and 500 for the rest.
LocateStatus status_for_errno(int error) noexcept {
    return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? LocateStatus::NotFound : LocateStatus::Error;
}

bool is_inside(std::string_view real_root, std::string_view real) noexcept {
    if (real_root == "/") return true;
    return real.starts_with(real_root) && (real.size() == real_root.size() || real[real_root.size()] == '/');
}

struct Examined {
    LocateStatus status = LocateStatus::NotFound;  // File here means "exists inside the root"; see `info`
    struct stat info {};
    std::string real;  // canonical path
};

// Canonicalises `path`, refuses it when it lies outside the root (a symlink pointing away), and stats it.
Examined examine(std::string_view real_root, const std::string& path) {
    Examined result;
    const std::unique_ptr<char, FreeDeleter> real(::realpath(path.c_str(), nullptr));
    if (!real) {
        result.status = status_for_errno(errno);
        return result;
    }
    result.real.assign(real.get());
    if (!is_inside(real_root, result.real)) return result;  // NotFound: do not reveal what lies outside
    if (::stat(result.real.c_str(), &result.info) != 0) {
        result.status = status_for_errno(errno);
        return result;
    }
    result.status = LocateStatus::File;
    return result;
}

Located serve_regular(const Examined& examined, std::string& path) {
    if (!S_ISREG(examined.info.st_mode)) return {};  // FIFOs and devices would hang or leak; not content
    path = examined.real;
    return {LocateStatus::File, identity_of(examined.info)};
}

}  // namespace

std::optional<std::string> canonical_root(std::string_view root) {
    const std::unique_ptr<char, FreeDeleter> real(::realpath(std::string(root).c_str(), nullptr));
    struct stat info {};
    if (!real || ::stat(real.get(), &info) != 0 || !S_ISDIR(info.st_mode)) return std::nullopt;
    return std::string(real.get());
}

Located locate_file(std::string_view real_root, std::string& path, bool wants_directory, std::string_view index) {
    Examined examined = examine(real_root, path);
    if (examined.status != LocateStatus::File) return {examined.status, {}};
    if (!S_ISDIR(examined.info.st_mode)) {
        // "/file.txt/" names a directory that is not there.
        return wants_directory ? Located{} : serve_regular(examined, path);
    }
    if (!wants_directory) return {LocateStatus::RedirectToDirectory, {}};
    if (index.empty()) return {};

    examined.real.push_back('/');
    examined.real.append(index);
    // The index may be a symlink too, so it gets the same scrutiny.
    const Examined index_file = examine(real_root, examined.real);
    if (index_file.status != LocateStatus::File) return {index_file.status, {}};
    return serve_regular(index_file, path);
}

}  // namespace duplex::detail::static_files
