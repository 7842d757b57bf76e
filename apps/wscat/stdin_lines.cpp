#include "stdin_lines.h"

namespace wscat {

StdinLines::StdinLines(uv_loop_t* loop, std::function<void(std::string_view)> on_line, std::function<void()> on_end)
    : loop_(loop), on_line_(std::move(on_line)), on_end_(std::move(on_end)) {}

int StdinLines::start() {
    const uv_handle_type type = uv_guess_handle(0);
    if (type == UV_FILE) {
        read_file();
        return 0;
    }
    int rc;
    if (type == UV_TTY) {
        auto* tty = new uv_tty_t{};
        rc = uv_tty_init(loop_, tty, 0, 1);
        stream_ = reinterpret_cast<uv_stream_t*>(tty);
    } else {
        auto* pipe = new uv_pipe_t{};
        rc = uv_pipe_init(loop_, pipe, 0);
        if (rc == 0) rc = uv_pipe_open(pipe, 0);
        stream_ = reinterpret_cast<uv_stream_t*>(pipe);
    }
    stream_->data = this;
    if (rc == 0) rc = uv_read_start(stream_, on_alloc, on_read);
    if (rc != 0) stop();
    return rc;
}

void StdinLines::stop() {
    stopped_ = true;
    if (!stream_) return;
    uv_close(reinterpret_cast<uv_handle_t*>(stream_), [](uv_handle_t* h) {
        if (h->type == UV_TTY) delete reinterpret_cast<uv_tty_t*>(h);
        else delete reinterpret_cast<uv_pipe_t*>(h);
    });
    stream_ = nullptr;
}

void StdinLines::pause() {
    if (paused_ || stopped_) return;
    paused_ = true;
    if (stream_) uv_read_stop(stream_);
}

void StdinLines::resume() {
    if (!paused_ || stopped_) return;
    paused_ = false;
    take(nullptr, 0);  // the lines already read come first
    if (paused_ || stopped_) return;
    if (stream_) {
        uv_read_start(stream_, on_alloc, on_read);
    } else if (!file_read_pending_) {
        read_file();
    }
}

void StdinLines::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
    auto* self = static_cast<StdinLines*>(handle->data);
    *buf = uv_buf_init(self->buffer_, sizeof self->buffer_);
}

void StdinLines::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<StdinLines*>(stream->data);
    if (nread > 0) self->take(buf->base, static_cast<std::size_t>(nread));
    else if (nread < 0) self->finish();  // UV_EOF, or a read error: either way no more input
}

void StdinLines::read_file() {
    file_req_.data = this;
    uv_buf_t buf = uv_buf_init(buffer_, sizeof buffer_);
    file_read_pending_ = uv_fs_read(loop_, &file_req_, 0, &buf, 1, -1, on_file_read) == 0;
    if (!file_read_pending_) finish();
}

void StdinLines::on_file_read(uv_fs_t* req) {
    auto* self = static_cast<StdinLines*>(req->data);
    const ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    self->file_read_pending_ = false;
    if (self->stopped_) return;
    if (n <= 0) {
        self->finish();
        return;
    }
    self->take(self->buffer_, static_cast<std::size_t>(n));
    if (!self->stopped_ && !self->paused_) self->read_file();
}

void StdinLines::take(const char* data, std::size_t len) {
    pending_.append(data, len);
    std::size_t start = 0;
    for (std::size_t nl = pending_.find('\n'); nl != std::string::npos && !stopped_ && !paused_;
         nl = pending_.find('\n', start)) {
        std::string_view line(pending_.data() + start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        start = nl + 1;
        on_line_(line);
    }
    while (pending_.size() - start >= max_line_bytes && !stopped_ && !paused_) {
        on_line_(std::string_view(pending_).substr(start, max_line_bytes));
        start += max_line_bytes;
    }
    pending_.erase(0, start);
}

void StdinLines::finish() {
    if (stopped_) return;
    // Reading stops while paused, so the end is only seen once every complete line has been delivered.
    if (!pending_.empty()) {
        std::string last = std::move(pending_);
        pending_.clear();
        if (last.back() == '\r') last.pop_back();
        on_line_(last);
    }
    stop();
    on_end_();
}

}  // namespace wscat
