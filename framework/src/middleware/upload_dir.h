// UploadDir: one request's private directory for uploaded files: made on the first file (mkdtemp, mode 0700), each
// file created inside it under a number (O_EXCL, O_NOFOLLOW, mode 0600: a client's filename never names a path),
// and everything still in it removed by the destructor, so files the handler did not move away go with the request.
//
// Lifetime: shared_ptr, held by the multipart parser while it runs and then by the Request (set_files' cleanup).
// Threads: the loop thread (blocking file calls, one write per body chunk).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail {

class UploadDir {
public:
    explicit UploadDir(std::string parent) : parent_(std::move(parent)) {}
    ~UploadDir();
    UploadDir(const UploadDir&) = delete;
    UploadDir& operator=(const UploadDir&) = delete;

    // Starts the next file; its path, or "" (errno set) when the directory or the file cannot be made.
    std::string open_file();
    // Appends to the open file; false on a write error.
    bool write(std::string_view bytes);
    void close_file();

private:
    std::string parent_;
    std::string dir_;
    std::vector<std::string> files_;
    int fd_ = -1;
};

}  // namespace duplex::detail
