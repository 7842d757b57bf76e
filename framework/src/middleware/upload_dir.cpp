#include "middleware/upload_dir.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace duplex::detail {

UploadDir::~UploadDir() {
    close_file();
    for (const std::string& f : files_) ::unlink(f.c_str());  // ENOENT when the handler moved it: fine
    if (!dir_.empty()) ::rmdir(dir_.c_str());
}

std::string UploadDir::open_file() {
    close_file();
    if (dir_.empty()) {
        std::string parent = parent_;
        if (parent.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            parent = tmp && *tmp ? tmp : "/tmp";
        }
        std::string tmpl = parent + "/duplex-upload-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) return {};
        dir_ = std::move(tmpl);
    }
    std::string path = dir_ + "/" + std::to_string(files_.size());
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return {};
    files_.push_back(path);
    return path;
}

bool UploadDir::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void UploadDir::close_file() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace duplex::detail
