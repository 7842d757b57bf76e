// StdinLines: standard input read line by line on the libuv loop, whatever it is: a terminal (uv_tty_t), a pipe
// or socket (uv_pipe_t), or a regular file or /dev/null (uv_fs_read, which libuv runs on its thread pool since
// files cannot be polled). A last line without '\n' is delivered at end of input; a trailing '\r' is dropped.
//
// Lifetime: create it and keep it until the loop has finished running (a file read may still be in flight after
// stop(), and its callback refers to this object). Threads: loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

namespace wscat {

class StdinLines {
public:
    StdinLines(uv_loop_t* loop, std::function<void(std::string_view line)> on_line, std::function<void()> on_end);
    ~StdinLines() = default;
    StdinLines(const StdinLines&) = delete;
    StdinLines& operator=(const StdinLines&) = delete;

    // A line longer than this is delivered in pieces of this size: memory stays bounded whatever the input.
    static constexpr std::size_t max_line_bytes = 1024 * 1024;

    // Starts reading; 0 or a libuv error.
    int start();
    // No more lines: stops reading and releases the handle (on_end is not called).
    void stop();
    // Flow control: no line is delivered between pause() and resume() (the reader waits, memory stays bounded).
    void pause();
    void resume();

private:
    static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    static void on_file_read(uv_fs_t* req);
    void read_file();
    void take(const char* data, std::size_t len);
    void finish();

    uv_loop_t* loop_;
    std::function<void(std::string_view)> on_line_;
    std::function<void()> on_end_;
    uv_stream_t* stream_ = nullptr;  // heap uv_tty_t or uv_pipe_t, freed in its close callback
    uv_fs_t file_req_{};
    bool stopped_ = false;
    bool paused_ = false;
    bool file_read_pending_ = false;  // a uv_fs_read is in flight
    std::string pending_;  // bytes of the line not yet complete
    char buffer_[64 * 1024];
};

}  // namespace wscat
