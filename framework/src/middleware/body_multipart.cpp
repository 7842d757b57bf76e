// body::multipart(): MultipartParser's parts into req.form() and req.files(), fed from the body stream (or the
// buffered body), with the limits of MultipartOptions. Files go to disk on libuv's thread pool (UploadDir); while
// more than kHighWater waits for the disk, the body stream is paused (backpressure to the client's TCP), and the
// handlers run only once every byte is written.
#include "duplex/body.h"

#include "http/http_tokens.h"
#include "http/middleware_access.h"
#include "loop/loop_core.h"
#include "middleware/header_params.h"
#include "middleware/multipart_parser.h"
#include "middleware/upload_dir.h"

#include <cstring>
#include <memory>
#include <utility>

namespace duplex::body {

namespace {

using detail::MultipartParser;
using detail::PartHead;

// Bytes waiting for the disk above which the body stream pauses, and below which it resumes.
constexpr std::uint64_t kHighWater = 1 << 20;
constexpr std::uint64_t kLowWater = 256 << 10;

// One request's upload: the parser's events, the fields and files so far, the first error.
class Upload : public MultipartParser::Events, public std::enable_shared_from_this<Upload> {
public:
    Upload(const MultipartOptions& o, std::string_view boundary, Request& req, uv_loop_t* loop, Next next)
        : o_(o), req_(req), loop_(loop), next_(std::move(next)), parser_(boundary, o.max_head_bytes, o.max_parts, *this) {}

    void feed(std::string_view bytes) {
        if (done_) return;
        auto keep = shared_from_this();  // an error below may drop the callbacks that own this
        total_ += bytes.size();
        if (total_ > o_.max_total_bytes) return fail(413, "multipart body over max_total_bytes");
        if (parser_.feed(bytes) == MultipartParser::Status::Error) return fail_parse();
        if (dir_ && dir_->queued() > kHighWater && req_.body_streamed() && !req_.body_stream().paused())
            req_.body_stream().pause();  // resumed by written()
    }

    void finish() {
        if (done_) return;
        auto keep = shared_from_this();
        if (parser_.finish() == MultipartParser::Status::Error) return fail_parse();
        ended_ = true;
        if (dir_ && dir_->queued() > 0) {
            // The body stream drops its callbacks now: this object (whose next_ keeps the request) waits here.
            waiting_ = shared_from_this();
            return;
        }
        complete();
    }

    // The body stream failed: the connection answers it; the temporary files go now.
    void abandon() {
        done_ = true;
        if (dir_) dir_->discard();
    }

private:
    void complete() {
        done_ = true;
        req_.set_form(std::move(fields_));
        req_.set_files(std::move(files_), std::move(dir_));
        next_();
    }

    // A write finished (or failed) on the thread pool.
    void written() {
        auto keep = std::move(waiting_);  // this object lives to the end of the call
        if (done_) return;
        if (dir_->error() != 0) {
            const int e = dir_->error();
            return fail(e == EFBIG ? 413 : 500, std::string("cannot write an uploaded file: ") + std::strerror(e));
        }
        if (ended_) {
            if (dir_->queued() == 0) return complete();
            waiting_ = std::move(keep);
            return;
        }
        if (dir_->queued() <= kLowWater && req_.body_streamed() && req_.body_stream().paused())
            req_.body_stream().resume();
    }

    bool part_begin(const PartHead& head) override {
        in_file_ = head.filename.has_value();
        if (!in_file_) {
            fields_.emplace_back(head.name, std::string());
            return true;
        }
        if (files_.size() >= o_.max_files) return fail(413, "more files than max_files"), false;
        files_.push_back({head.name, *head.filename, head.content_type, {}, 0});
        if (o_.on_file) return true;
        if (!dir_) {
            dir_ = std::make_shared<detail::UploadDir>(loop_, o_.temp_dir);
            dir_->on_progress([weak = weak_from_this()] {
                if (auto self = weak.lock()) self->written();
            });
        }
        files_.back().path = dir_->open_file();
        if (files_.back().path.empty()) return fail(500, "cannot create a temporary file for an upload"), false;
        return true;
    }

    bool part_data(std::string_view bytes) override {
        if (!in_file_) {
            std::string& value = fields_.back().second;
            if (value.size() + bytes.size() > o_.max_field_bytes) return fail(413, "a field over max_field_bytes"), false;
            value.append(bytes);
            return true;
        }
        UploadedFile& f = files_.back();
        f.size += bytes.size();
        if (f.size > o_.max_file_bytes) return fail(413, "a file over max_file_bytes"), false;
        if (o_.on_file) return callback(f, bytes, false);
        dir_->write(bytes);
        return true;
    }

    bool part_end() override {
        if (!in_file_) return true;
        if (o_.on_file) return callback(files_.back(), {}, true);
        dir_->close_file();
        return true;
    }

    bool callback(const UploadedFile& f, std::string_view bytes, bool last) {
        try {
            o_.on_file(req_, f, bytes, last);
            return true;
        } catch (const Error& e) {
            fail(e.status(), e.message());
        } catch (const std::exception& e) {
            fail(500, e.what());
        }
        return false;
    }

    void fail_parse() { fail(parser_.error_status(), std::string(parser_.error_reason())); }

    void fail(int status, std::string why) {
        if (done_) return;
        done_ = true;
        if (dir_) dir_->discard();  // gone before the answer, even while the pool still writes
        next_(Error(status, std::move(why)));
    }

    const MultipartOptions& o_;
    Request& req_;
    uv_loop_t* loop_;
    Next next_;
    MultipartParser parser_;
    Request::Pairs fields_;
    std::vector<UploadedFile> files_;
    std::shared_ptr<detail::UploadDir> dir_;
    std::uint64_t total_ = 0;
    std::shared_ptr<Upload> waiting_;  // this object, while the handlers wait for the disk after the body's end
    bool in_file_ = false;
    bool ended_ = false;  // the whole body is parsed
    bool done_ = false;   // the handlers were called, with the upload or an error
};

}  // namespace

Middleware multipart(MultipartOptions options) {
    auto o = std::make_shared<const MultipartOptions>(std::move(options));
    return [o](Request& req, Response& res, Next next) {
        const std::string_view type = req.header("content-type");
        std::optional<std::string> boundary = MultipartParser::boundary_of(type);
        if (!boundary) {
            if (detail::ascii_iequals(detail::header_main_value(type), "multipart/form-data"))
                next(Error(400, "multipart/form-data without a valid boundary"));
            else
                next();
            return;
        }
        detail::LoopCore* loop = detail::MiddlewareAccess::loop(res);
        if (!loop) return;  // the connection is gone: nobody to answer
        auto up = std::make_shared<Upload>(*o, *boundary, req, loop->uv(), next);
        if (!req.body_streamed()) {
            up->feed(req.body());
            up->finish();
            return;
        }
        // The options live in the callbacks too: the Upload refers to them.
        req.body_stream()
            .on_data([up, o](std::string_view chunk) { up->feed(chunk); })
            .on_end([up] { up->finish(); })
            .on_error([up](const Error&) { up->abandon(); });
    };
}

}  // namespace duplex::body
