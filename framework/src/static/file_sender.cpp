#include "static/file_sender.h"

#include "static/conditional.h"
#include "static/mime_types.h"
#include "static/validators.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace duplex::detail::static_files {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// One read buffer per thread for every file body: write() copies the bytes out before anything else can read
// into it, so streams never need their own, and a request allocates and zero-fills nothing for its body.
char* chunk_buffer() {
    thread_local std::unique_ptr<char[]> buf(new char[kChunk]);
    return buf.get();
}

// A file body in flight: reads the next chunk whenever the connection has room for it.
struct FileStream : std::enable_shared_from_this<FileStream> {
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t remaining = 0;
    Response res;

    explicit FileStream(Response r) : res(std::move(r)) {}
    ~FileStream() {
        if (fd >= 0) ::close(fd);
    }

    void pump() {
        while (remaining > 0) {
            char* buf = chunk_buffer();
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, remaining));
            ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {  // the file shrank or failed under us: the promised length cannot be kept
                res.abort();
                return;
            }
            offset += static_cast<std::uint64_t>(n);
            remaining -= static_cast<std::uint64_t>(n);
            SendResult r = res.write(std::string_view(buf, static_cast<std::size_t>(n)));
            if (r == SendResult::Closed) return;
            if (r == SendResult::Backpressure && remaining > 0) {
                auto self = shared_from_this();
                res.on_drain([self] { self->pump(); });
                return;
            }
        }
        res.on_drain(nullptr);
        res.end();
    }
};

}  // namespace

void send_file(Request& req, Response res, const FileInfo& file, std::chrono::seconds max_age) {
    std::string etag;
    append_etag(file.size, file.mtime_ms, etag);
    RequestConditions c;
    c.method = req.method();
    c.if_match = req.header("if-match");
    c.if_none_match = req.header("if-none-match");
    c.if_modified_since = req.header("if-modified-since");
    c.if_unmodified_since = req.header("if-unmodified-since");
    c.range = req.header("range");
    c.if_range = req.header("if-range");
    c.now = std::time(nullptr);
    ServeDecision d = decide_serve({file.size, last_modified_seconds(file.mtime_ms), etag}, c);

    std::string last_modified;
    append_last_modified(file.mtime_ms, last_modified);
    res.status(d.status);
    if (d.accept_ranges) res.set("Accept-Ranges", "bytes");
    if (max_age.count() > 0) res.set("Cache-Control", "public, max-age=" + std::to_string(max_age.count()));
    else res.set("Cache-Control", "public, max-age=0");
    res.set("Last-Modified", last_modified);
    res.set("ETag", etag);
    if (d.status == 304) {
        res.end();
        return;
    }
    if (d.status == 412 || d.status == 416) {
        if (!d.content_range().empty()) res.set("Content-Range", d.content_range());
        res.send(d.status == 412 ? "Precondition Failed\n" : "Range Not Satisfiable\n");
        return;
    }
    res.set("Content-Type", content_type_for(file.path));
    if (d.status == 206) res.set("Content-Range", d.content_range());
    res.set("Content-Length", std::to_string(d.length));
    if (req.method() == "HEAD" || d.length == 0) {
        res.end();
        return;
    }
    // The path is canonical (no symlinks left): O_NOFOLLOW narrows the race with a symlink swapped in since.
    int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw Error(errno == ENOENT ? 404 : 500, "cannot open file");
    auto stream = std::make_shared<FileStream>(std::move(res));
    stream->fd = fd;
    stream->offset = d.offset;
    stream->remaining = d.length;
    stream->pump();
}

}  // namespace duplex::detail::static_files
