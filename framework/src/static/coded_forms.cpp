#include "static/coded_forms.h"

#include "http/file_answer.h"
#include "static/file_entry.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace duplex::detail::static_files {

namespace {

// The bytes of `path` when it is a regular file no larger than `max_size` and not older than `base`.
bool read_sibling(const std::string& path, std::uint64_t max_size, const FileIdentity& base, std::string& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    struct stat info {};
    const FileIdentity id = ::fstat(fd, &info) == 0 ? identity_of(info) : FileIdentity{};
    bool ok = S_ISREG(info.st_mode) && id.size <= max_size &&
              (id.mtime_sec > base.mtime_sec || (id.mtime_sec == base.mtime_sec && id.mtime_nsec >= base.mtime_nsec));
    if (ok) {
        out.assign(static_cast<std::size_t>(id.size), '\0');
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ok = done == out.size();
    }
    ::close(fd);
    return ok;
}

}  // namespace

std::string_view sibling_suffix(std::string_view form) noexcept {
    if (form == "br") return ".br";
    if (form == "gzip") return ".gz";
    return {};
}

const std::string* CodedForms::get(const FileEntry& entry, std::string_view form, const Response& res) {
    for (const Form& f : forms_)
        if (f.name == form) return &f.bytes;
    if (!entry.body) return nullptr;
    Form made{std::string(form), {}};
    const std::string_view suffix = sibling_suffix(form);
    const bool from_disk = !suffix.empty() && read_sibling(entry.real_path + std::string(suffix), entry.body->size(),
                                                           entry.identity, made.bytes);
    if (!from_disk) {
        made.bytes.clear();
        if (!FileAnswer::make_form(res, *entry.body, made.bytes)) return nullptr;
    }
    forms_.push_back(std::move(made));
    return &forms_.back().bytes;
}

}  // namespace duplex::detail::static_files
