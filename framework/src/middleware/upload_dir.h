// UploadDir: one request's private directory for uploaded files: made on the first file (mkdtemp, mode 0700), each
// file created inside it under a number (O_EXCL, O_NOFOLLOW, mode 0600: a client's filename never names a path),
// and everything still in it removed by the destructor, so files the handler did not move away go with the request.
// The bytes are written on libuv's thread pool (a slow or full disk never stalls the loop), one write at a time and
// in order; what waits meanwhile is copied here, and the caller paces its input by queued() (backpressure).
//
// Lifetime: shared_ptr, held by the multipart parser while it runs and then by the Request (set_files' cleanup);
// a write in flight holds it too, so the files go only once the thread pool is done with them.
// Threads: the loop thread; only the write(2) calls run on the pool.
#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail {

// Test seam: when nonzero, each write of an uploaded file fails with this errno (e.g. ENOSPC, a full disk).
extern std::atomic<int> upload_write_errno;

class UploadDir : public std::enable_shared_from_this<UploadDir> {
public:
    UploadDir(uv_loop_t* loop, std::string parent) : loop_(loop), parent_(std::move(parent)) {}
    ~UploadDir();
    UploadDir(const UploadDir&) = delete;
    UploadDir& operator=(const UploadDir&) = delete;

    // Starts the next file (the previous one is closed once its bytes are written); its path, or "" (errno set)
    // when the directory or the file cannot be made.
    std::string open_file();
    // Queues bytes for the open file.
    void write(std::string_view bytes);
    // Closes the open file once its queued bytes are written.
    void close_file();
    // The upload failed: every file and the directory are removed now (a write in flight ends on an unlinked
    // file), nothing more is written, and the descriptors close once the pool is done.
    void discard();

    // Bytes queued and not yet written.
    std::uint64_t queued() const { return queued_; }
    // The errno of the first failed write (the queue is then dropped and the files closed), else 0.
    int error() const { return error_; }
    // Runs on the loop after each finished write (and after a failure); may drop the last other reference.
    void on_progress(std::function<void()> fn) { on_progress_ = std::move(fn); }

private:
    struct Op {
        int fd;
        std::string bytes;
        bool close_after;
    };
    void start_next();
    void close_all();
    static void after_write(uv_fs_t* req);

    uv_loop_t* loop_;
    std::string parent_;
    std::string dir_;
    std::vector<std::string> files_;
    int fd_ = -1;              // the open file, which writes go to
    std::deque<Op> ops_;       // front: in flight while writing_
    uv_fs_t req_{};
    std::size_t done_ = 0;     // bytes of the front op written so far
    bool writing_ = false;
    bool discarded_ = false;
    std::shared_ptr<UploadDir> self_;  // while writing_: the pool still uses the front op's bytes
    std::uint64_t queued_ = 0;
    int error_ = 0;
    std::function<void()> on_progress_;
};

}  // namespace duplex::detail
