#include "static/file_sender.h"

#include "http/file_answer.h"
#include "http/form_etag.h"
#include "http/http_tokens.h"
#include "http/middleware_access.h"
#include "loop/loop_core.h"
#include "static/conditional.h"
#include "static/file_identity.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace duplex::detail::static_files {

std::atomic<int> file_read_delay_ms{0};

namespace {

constexpr std::size_t kChunk = 64 * 1024;
// Disk reads grow from kChunk up to this while the stream never waits for a drain (a reader that keeps up), and halve
// back towards kChunk when it does: a fast reader costs few thread-pool round trips, a slow one little memory.
constexpr std::size_t kMaxRead = 1024 * 1024;
// A body up to this size is read from disk in one piece (a file just beyond the cache costs one round trip).
constexpr std::size_t kWholeRead = kMaxRead + kChunk;

// A body in flight, from the entry's bytes in memory or from a descriptor on its version. Bytes at hand (the rest of
// the entry's body, or what the last disk read left to send) go out as in-memory bytes do: as much as the kernel
// takes now straight from them, then one chunk queued by reference (no copy; TLS copies to seal), the next once the
// connection has drained (backpressure). From disk, each read runs on libuv's thread pool (a slow disk or a cold page
// cache never stalls the loop); the next one starts at once when the kernel took all of the last (the socket holds
// nothing of its buffer, and less than two chunks wait), else after the drain. So a stream holds one read buffer of
// at most kWholeRead bytes, and the socket at most about a chunk of it.
struct BodyStream : std::enable_shared_from_this<BodyStream> {
    Response res;
    std::shared_ptr<const FileEntry> file;
    int fd;  // -1: the body is in memory
    std::uint64_t offset;
    std::uint64_t remaining;
    // Disk only: the read on the thread pool. While it runs, `reading` keeps the stream (and buf) alive.
    uv_work_t work{};
    std::shared_ptr<char[]> buf;  // shared with the socket while it sends from it
    std::size_t buf_size = 0;
    std::size_t buf_at = 0, buf_end = 0;  // what the last read left to send
    std::size_t read_size;                // the next read's size (before the end of the body cuts it)
    bool waited = false;                  // the stream waited for a drain since the last read
    std::size_t want = 0;
    ssize_t got = 0;
    std::shared_ptr<BodyStream> reading;

    BodyStream(Response r, std::shared_ptr<const FileEntry> f, int descriptor, std::uint64_t from, std::uint64_t length)
        : res(std::move(r)), file(std::move(f)), fd(descriptor), offset(from), remaining(length),
          read_size(length <= kWholeRead ? static_cast<std::size_t>(length) : kChunk) {
        work.data = this;
    }
    ~BodyStream() {
        if (fd >= 0) ::close(fd);
    }
    BodyStream(const BodyStream&) = delete;
    BodyStream& operator=(const BodyStream&) = delete;

    std::string_view at_hand() const {
        if (fd >= 0) return {buf.get() + buf_at, buf_end - buf_at};
        return std::string_view(*file->body)
            .substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(remaining));
    }

    void pump() {
        for (;;) {
            const std::string_view bytes = at_hand();
            if (bytes.empty()) {  // from disk: all of the last read is handed over
                read_next();
                return;
            }
            const std::size_t n = FileAnswer::write_now(res, bytes);
            const std::string_view chunk = bytes.substr(n, kChunk);
            const SendResult r = chunk.empty() ? SendResult::Queued
                                 : fd >= 0     ? FileAnswer::write_kept(res, chunk, buf)
                                               : FileAnswer::write_kept(res, chunk, file);
            if (!sent(n + chunk.size(), r)) return;
        }
    }

    // Counts n more bytes handed over; false when the stream must wait (drain, a read) or is done.
    bool sent(std::size_t n, SendResult r) {
        offset += n;
        remaining -= n;
        if (fd >= 0) buf_at += n;
        if (r == SendResult::Closed) return false;
        if (remaining == 0) {
            res.on_drain(nullptr);
            res.end();
            return false;
        }
        // More bytes at hand while less than a chunk waits; the next read while the socket sends nothing from the
        // buffer it would fill (and, through TLS, less than two chunks wait).
        const bool more = r != SendResult::Backpressure &&
                          ((fd < 0 || buf_at < buf_end) ? res.buffered_amount() < kChunk
                                                        : buf.use_count() == 1 && res.buffered_amount() < 2 * kChunk);
        if (!more) {
            waited = true;
            res.on_drain([self = shared_from_this()] { self->pump(); });
        }
        return more;
    }

    void read_next() {
        if (reading || !res.connected()) return;
        // After the first: reads grow while the reader keeps up (no drain to wait for since the last one), and
        // shrink when it does not.
        if (buf) read_size = waited ? std::max(read_size / 2, kChunk) : std::min(2 * read_size, kMaxRead);
        waited = false;
        want = static_cast<std::size_t>(std::min<std::uint64_t>(read_size, remaining));
        // A new buffer when the last one is too small or much too large (a reader that fell behind gives its large
        // buffer back), or (never after a drain) the socket still sends from it.
        if (!buf || buf.use_count() > 1 || buf_size < want || buf_size > 2 * read_size) {
            buf.reset();
            buf_size = want;
            buf = std::make_shared_for_overwrite<char[]>(buf_size);
        }
        uv_loop_t* loop = MiddlewareAccess::loop(res)->uv();  // connected: checked above
        if (uv_queue_work(loop, &work, &BodyStream::read_on_pool, &BodyStream::after_read) != 0) {
            res.abort();
            return;
        }
        reading = shared_from_this();
    }

    // On a thread-pool thread: touches only fd, the bytes of buf, want, offset and got, which the loop leaves alone
    // meanwhile.
    static void read_on_pool(uv_work_t* w) {
        auto* s = static_cast<BodyStream*>(w->data);
        if (const int delay = file_read_delay_ms.load(std::memory_order_relaxed); delay > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        do {
            s->got = ::pread(s->fd, s->buf.get(), s->want, static_cast<off_t>(s->offset));
        } while (s->got < 0 && errno == EINTR);
    }

    static void after_read(uv_work_t* w, int status) {
        auto* s = static_cast<BodyStream*>(w->data);
        const std::shared_ptr<BodyStream> self = std::move(s->reading);
        if (status != 0 || s->got <= 0) {  // the file shrank or failed under us: the promised length cannot be kept
            s->res.abort();
            return;
        }
        s->buf_at = 0;
        s->buf_end = static_cast<std::size_t>(s->got);
        s->pump();
    }
};

// A list header sent on several lines is one comma-separated list (RFC 9110 5.3). Joined into `joined` only
// when it is repeated, so the usual single line costs no copy.
std::string_view list_header(const Request& req, std::string_view name, std::string& joined) {
    std::string_view first;
    int seen = 0;
    for (std::size_t i = 0; i < req.header_count(); ++i) {
        const auto [n, v] = req.header_at(i);
        if (!ascii_iequals(n, name)) continue;
        if (++seen == 1) {
            first = v;
            continue;
        }
        if (seen == 2) joined = first;
        joined.append(", ").append(v);
    }
    return seen > 1 ? std::string_view(joined) : first;
}

// The views point into req, or into `joined` (which must outlive the result).
RequestConditions conditions_of(const Request& req, std::string (&joined)[2]) {
    RequestConditions c;
    c.method = req.method();
    c.if_match = list_header(req, "if-match", joined[0]);
    c.if_none_match = list_header(req, "if-none-match", joined[1]);
    c.if_modified_since = req.header("if-modified-since");
    c.if_unmodified_since = req.header("if-unmodified-since");
    c.range = req.header("range");
    c.if_range = req.header("if-range");
    c.now = std::time(nullptr);
    return c;
}

// The form a body transform on the response (compression) would make of this file's whole body, unless a Range
// asks for a part of it (206 answers are never coded): it is validated with its own ETag, and kept with the
// entry when the body is in memory. "" otherwise.
std::string_view coded_form(const Request& req, const Response& res, const FileEntry& f) {
    if (req.has_header("range")) return {};
    return FileAnswer::coded_form(res, f.content_type(), f.identity.size);
}

// Sends the kept coded form of the file, with the headers the transform sets for it; false when the form cannot
// be had, e.g. the body is not in memory (it then goes through the transform as it is sent).
bool send_coded(Response& res, const FileEntry& f, std::string_view form) {
    const std::string* coded = f.coded.get(f, form, res);
    return coded && FileAnswer::send_coded(res, *coded, f.identity.size);
}

}  // namespace

void send_file(Request& req, Response res, std::shared_ptr<const FileEntry> file) {
    const FileEntry& f = *file;
    const std::string_view form = coded_form(req, res, f);
    const std::string form_etag = form.empty() ? std::string() : tagged_etag(f.etag, form);
    std::string joined[2];
    const ServeDecision d = decide_serve({f.identity.size, f.last_modified, form.empty() ? f.etag : form_etag},
                                         conditions_of(req, joined));
    res.status(d.status);
    if (d.status == 304) {
        FileAnswer::set_headers(res, f.not_modified_headers());
        if (!form.empty()) res.set("ETag", form_etag);
        res.end();
        return;
    }
    if (d.status == 412 || d.status == 416) {
        FileAnswer::set_headers(res, f.validator_headers());
        if (!form.empty()) res.set("ETag", form_etag);
        if (!d.content_range().empty()) res.set("Content-Range", d.content_range());
        res.send(d.status == 412 ? "Precondition Failed\n" : "Range Not Satisfiable\n");
        return;
    }
    FileAnswer::set_headers(res, f.content_headers());
    if (!form.empty() && send_coded(res, f, form)) return;
    if (d.status == 206) res.set("Content-Range", d.content_range());
    if (f.body && d.length <= kChunk) {  // one piece, Content-Length from its size (and no bytes for HEAD)
        FileAnswer::send_whole(res, std::string_view(*f.body).substr(static_cast<std::size_t>(d.offset),
                                                                     static_cast<std::size_t>(d.length)));
        return;
    }
    res.set("Content-Length", std::to_string(d.length));
    if (req.method() == "HEAD" || d.length == 0) {
        res.end();
        return;
    }
    int fd = -1;
    if (!f.body) {
        fd = open_current(f);
        if (fd < 0) throw Error(errno == ENOENT ? 404 : 500, "cannot open file");
    }
    auto stream = std::make_shared<BodyStream>(std::move(res), std::move(file), fd, d.offset, d.length);
    stream->pump();
}

void send_path(Request& req, Response res, const std::string& path) {
    // Canonical first: the sender opens with O_NOFOLLOW, and a caller's path may legitimately be a symlink.
    char* real = ::realpath(path.c_str(), nullptr);
    std::string canonical = real ? real : "";
    std::free(real);
    struct stat st{};
    if (canonical.empty() || ::stat(canonical.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        res.status(404).send("Not Found\n");
        return;
    }
    // Not cached: no middleware owns this call, so nothing would bound what it keeps.
    FileEntry entry = make_entry(std::move(canonical), path, identity_of(st), std::chrono::seconds(0));
    send_file(req, std::move(res), std::make_shared<const FileEntry>(std::move(entry)));
}

}  // namespace duplex::detail::static_files
