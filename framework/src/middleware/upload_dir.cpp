#include "middleware/upload_dir.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace duplex::detail {

std::atomic<int> upload_write_errno{0};

UploadDir::~UploadDir() { discard(); }

void UploadDir::discard() {
    discarded_ = true;
    close_all();  // unless a write is in flight: then after_write does it
    for (const std::string& f : files_) ::unlink(f.c_str());  // ENOENT when the handler moved it: fine
    files_.clear();
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

void UploadDir::write(std::string_view bytes) {
    if (fd_ < 0 || error_ != 0 || discarded_ || bytes.empty()) return;
    // Joined to the last queued op of this file unless the pool is writing that one: one allocation per op, and
    // few ops (one in flight, one filling) however small the chunks.
    if (ops_.empty() || ops_.back().fd != fd_ || ops_.back().close_after || (writing_ && ops_.size() == 1))
        ops_.push_back({fd_, std::string(), false});
    ops_.back().bytes.append(bytes);
    queued_ += bytes.size();
    start_next();
}

void UploadDir::close_file() {
    if (fd_ < 0) return;
    if (ops_.empty()) {
        ::close(fd_);
    } else if (ops_.back().fd == fd_ && !(writing_ && ops_.size() == 1)) {
        ops_.back().close_after = true;
    } else {
        ops_.push_back({fd_, std::string(), true});
        start_next();
    }
    fd_ = -1;
}

void UploadDir::start_next() {
    if (discarded_) return close_all();
    while (!writing_ && !ops_.empty()) {
        Op& op = ops_.front();
        if (done_ == op.bytes.size()) {  // all of it written (or nothing to write): close and move on
            if (op.close_after) ::close(op.fd);
            ops_.pop_front();
            done_ = 0;
            continue;
        }
        uv_buf_t b = uv_buf_init(op.bytes.data() + done_, static_cast<unsigned>(op.bytes.size() - done_));
        req_.data = this;
        if (uv_fs_write(loop_, &req_, op.fd, &b, 1, -1, &UploadDir::after_write) != 0) {
            error_ = EIO;
            close_all();
            if (on_progress_) on_progress_();
            return;
        }
        writing_ = true;
        self_ = shared_from_this();
    }
}

void UploadDir::after_write(uv_fs_t* req) {
    auto* d = static_cast<UploadDir*>(req->data);
    const std::shared_ptr<UploadDir> self = std::move(d->self_);
    const ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    d->writing_ = false;
    const int fault = upload_write_errno.load(std::memory_order_relaxed);  // the write "failed" after the fact
    if (fault != 0 || n <= 0) {
        d->error_ = fault != 0 ? fault : n < 0 ? static_cast<int>(-n) : EIO;
        d->close_all();
    } else {
        d->done_ += static_cast<std::size_t>(n);
        d->queued_ -= static_cast<std::uint64_t>(n);
        d->start_next();
    }
    if (d->on_progress_) {
        auto fn = d->on_progress_;  // it may drop the owner of this object's callback
        fn();
    }
}

// Every descriptor, open or queued, closed; the queue dropped. Not while a write is in flight (its op stays).
void UploadDir::close_all() {
    if (writing_) return;
    for (const Op& op : ops_)
        if (op.close_after) ::close(op.fd);
    ops_.clear();
    done_ = 0;
    queued_ = 0;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace duplex::detail
