#include "static/file_sender.h"

#include "http/body_transform.h"
#include "http/file_answer.h"
#include "http/middleware_access.h"
#include "http/http_tokens.h"
#include "static/conditional.h"
#include "static/file_identity.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace duplex::detail::static_files {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// One read buffer per thread for every file body read from disk: write() copies the bytes out before anything
// else can read into it, so streams never need their own, and a request allocates and zero-fills nothing for it.
char* chunk_buffer() {
    thread_local std::unique_ptr<char[]> buf(new char[kChunk]);
    return buf.get();
}

// A body in flight, from the entry's bytes in memory or from a descriptor on its version. At most about one chunk
// waits in user space: the next goes once the connection has drained (backpressure), so the kernel takes each
// whole on the next flush and the socket reuses one buffer instead of growing and freeing a large one per round.
struct BodyStream : std::enable_shared_from_this<BodyStream> {
    Response res;
    std::shared_ptr<const FileEntry> file;
    int fd;  // -1: the body is in memory
    std::uint64_t offset;
    std::uint64_t remaining;

    BodyStream(Response r, std::shared_ptr<const FileEntry> f, int descriptor, std::uint64_t from, std::uint64_t length)
        : res(std::move(r)), file(std::move(f)), fd(descriptor), offset(from), remaining(length) {}
    ~BodyStream() {
        if (fd >= 0) ::close(fd);
    }
    BodyStream(const BodyStream&) = delete;
    BodyStream& operator=(const BodyStream&) = delete;

    // The next chunk; empty when the file shrank or failed under us.
    std::string_view next_chunk() {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, remaining));
        if (fd < 0) return std::string_view(*file->body).substr(static_cast<std::size_t>(offset), want);
        char* buf = chunk_buffer();
        for (;;) {
            const ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            return n > 0 ? std::string_view(buf, static_cast<std::size_t>(n)) : std::string_view();
        }
    }

    void pump() {
        while (remaining > 0) {
            if (fd < 0) {  // in memory: as much as the kernel takes now, straight from the entry's bytes
                const std::size_t n = FileAnswer::write_now(res,
                                                     std::string_view(*file->body).substr(static_cast<std::size_t>(offset),
                                                                                          static_cast<std::size_t>(remaining)));
                offset += n;
                remaining -= n;
                if (remaining == 0) break;
            }
            // The kernel is full (or this answer waits behind another): one chunk through the socket's buffer,
            // and the next round once it has drained.
            const std::string_view chunk = next_chunk();
            if (chunk.empty()) {  // the promised length cannot be kept
                res.abort();
                return;
            }
            offset += chunk.size();
            remaining -= chunk.size();
            const SendResult r = res.write(chunk);
            if (r == SendResult::Closed) return;
            if (remaining > 0 && (r == SendResult::Backpressure || res.buffered_amount() >= kChunk)) {
                auto self = shared_from_this();
                res.on_drain([self] { self->pump(); });
                return;
            }
        }
        res.on_drain(nullptr);
        res.end();
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

// The form a body transform on the exchange (compression) would make of this file's whole body, unless a Range
// asks for a part of it (206 answers are never coded): it is validated with its own ETag, and kept with the
// entry when the body is in memory. "" otherwise.
std::string_view coded_form(const Request& req, const Exchange& ex, const FileEntry& f) {
    if (!ex.transform || req.has_header("range")) return {};
    return ex.transform->form_for(ex, f.content_type(), f.identity.size);
}

// Sends the kept coded form of the file, with the headers the transform sets for it; false when the form cannot
// be had, e.g. the body is not in memory (it then goes through the transform as it is sent).
bool send_coded(Response& res, Exchange& ex, const FileEntry& f, std::string_view form) {
    const std::string* coded = f.coded.get(f, form, *ex.transform);
    if (!coded) return false;
    std::unique_ptr<BodyTransform> t = std::move(ex.transform);  // the bytes are coded already
    if (!t->begin(ex, static_cast<std::int64_t>(f.identity.size))) return false;
    FileAnswer::send_whole(res, *coded);
    return true;
}

}  // namespace

void send_file(Request& req, Response res, std::shared_ptr<const FileEntry> file) {
    const FileEntry& f = *file;
    Exchange& ex = MiddlewareAccess::exchange(res);
    const std::string_view form = coded_form(req, ex, f);
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
    if (!form.empty() && send_coded(res, ex, f, form)) return;
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
