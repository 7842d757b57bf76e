// body::multipart(): MultipartParser's parts into req.form() and req.files(), fed from the body stream (or the
// buffered body), with the limits of MultipartOptions.
#include "duplex/body.h"

#include "http/http_tokens.h"
#include "middleware/header_params.h"
#include "middleware/multipart_parser.h"
#include "middleware/upload_dir.h"

#include <memory>
#include <utility>

namespace duplex::body {

namespace {

using detail::MultipartParser;
using detail::PartHead;

// One request's upload: the parser's events, the fields and files so far, the first error.
class Upload : public MultipartParser::Events, public std::enable_shared_from_this<Upload> {
public:
    Upload(const MultipartOptions& o, std::string_view boundary, Request& req, Next next)
        : o_(o), req_(req), next_(std::move(next)), parser_(boundary, o.max_head_bytes, o.max_parts, *this) {}

    void feed(std::string_view bytes) {
        if (done_) return;
        auto keep = shared_from_this();  // an error below may drop the callbacks that own this
        total_ += bytes.size();
        if (total_ > o_.max_total_bytes) return fail(413, "multipart body over max_total_bytes");
        if (parser_.feed(bytes) == MultipartParser::Status::Error) fail_parse();
    }

    void finish() {
        if (done_) return;
        auto keep = shared_from_this();
        if (parser_.finish() == MultipartParser::Status::Error) return fail_parse();
        done_ = true;
        req_.set_form(std::move(fields_));
        req_.set_files(std::move(files_), std::move(dir_));
        next_();
    }

    // The body stream failed: the connection answers it; the temporary files go with this object.
    void abandon() { done_ = true; }

private:
    bool part_begin(const PartHead& head) override {
        in_file_ = head.filename.has_value();
        if (!in_file_) {
            fields_.emplace_back(head.name, std::string());
            return true;
        }
        if (files_.size() >= o_.max_files) return fail(413, "more files than max_files"), false;
        files_.push_back({head.name, *head.filename, head.content_type, {}, 0});
        if (o_.on_file) return true;
        if (!dir_) dir_ = std::make_shared<detail::UploadDir>(o_.temp_dir);
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
        if (!dir_->write(bytes)) return fail(500, "cannot write an uploaded file"), false;
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
        if (dir_) dir_->close_file();
        next_(Error(status, std::move(why)));
    }

    const MultipartOptions& o_;
    Request& req_;
    Next next_;
    MultipartParser parser_;
    Request::Pairs fields_;
    std::vector<UploadedFile> files_;
    std::shared_ptr<detail::UploadDir> dir_;
    std::uint64_t total_ = 0;
    bool in_file_ = false;
    bool done_ = false;
};

}  // namespace

Middleware multipart(MultipartOptions options) {
    auto o = std::make_shared<const MultipartOptions>(std::move(options));
    return [o](Request& req, Response&, Next next) {
        const std::string_view type = req.header("content-type");
        std::optional<std::string> boundary = MultipartParser::boundary_of(type);
        if (!boundary) {
            if (detail::ascii_iequals(detail::header_main_value(type), "multipart/form-data"))
                next(Error(400, "multipart/form-data without a valid boundary"));
            else
                next();
            return;
        }
        auto up = std::make_shared<Upload>(*o, *boundary, req, next);
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
