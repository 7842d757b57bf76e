#include "duplex/response.h"

#include "duplex/json.h"
#include "duplex/log.h"

#include "http/exchange.h"
#include "http/file_answer.h"
#include "http/http_host.h"
#include "http/http_session.h"
#include "http/response_writer.h"
#include "util/buffer_capacity.h"

namespace duplex {

using detail::Exchange;

Response::Response(std::shared_ptr<Exchange> ex) : ex_(std::move(ex)) { ++ex_->handles; }

Response Exchange::response(std::shared_ptr<Exchange> ex) { return Response(std::move(ex)); }

Response::Response(const Response& other) : ex_(other.ex_) { ++ex_->handles; }

Response& Response::operator=(const Response& other) {
    if (this != &other) {
        Response copy(other);
        std::swap(ex_, copy.ex_);
    }
    return *this;
}

Response::~Response() {
    Exchange& ex = *ex_;
    if (--ex.handles > 0 || ex.finished || !ex.session) return;
    // The last handle is gone and nobody answered: never leave the client hanging.
    duplex::logf(duplex::LogLevel::error,
                 "duplex: %.*s %.*s: handler dropped the response without finishing it; answering 500",
                 static_cast<int>(ex.req.method().size()), ex.req.method().data(),
                 static_cast<int>(ex.req.path().size()), ex.req.path().data());
    if (ex.headers_sent) {
        // A body was streaming: it is incomplete, and only closing the connection says so. No last-chunk:
        // "0\r\n\r\n" would tell the client the truncated body is complete.
        ex.close_after = true;
        ex.chunked = false;
        ex.transform.reset();  // nor a coding's end (a gzip trailer says the same)
        detail::end_response(ex);
    } else {
        detail::send_error(ex, 500, "Internal Server Error\n", false);
    }
}

Response& Response::status(int code) {
    if (!ex_->headers_sent && code >= 100 && code <= 999) ex_->status = code;
    return *this;
}

int Response::status_code() const { return ex_->status; }

Response& Response::set(std::string_view name, std::string_view value) {
    detail::set_header(*ex_, name, value, true);
    return *this;
}

Response& Response::append(std::string_view name, std::string_view value) {
    detail::set_header(*ex_, name, value, false);
    return *this;
}

std::string Response::get(std::string_view name) const { return detail::get_header(*ex_, name); }

void Response::send(std::string_view body) {
    if (!ex_->headers_sent && get("Content-Type").empty()) set("Content-Type", "text/plain; charset=utf-8");
    detail::send_whole(*ex_, body);
}

void Response::send(std::string&& body) { send(std::string_view(body)); }

void Response::json(const nlohmann::json& value) {
    // One serializer per thread writing into a buffer that keeps its capacity: no allocation and no locale
    // lookup per reply (json::dump builds both every call). No user code runs during dump(), so the shared
    // buffer cannot be re-entered. Strings often come from the client (a decoded path parameter): bytes that
    // are not UTF-8 become U+FFFD instead of failing the reply.
    thread_local std::string text;
    thread_local nlohmann::detail::serializer<nlohmann::json> out(nlohmann::detail::output_adapter<char>(text), ' ',
                                                                  nlohmann::json::error_handler_t::replace);
    text.clear();
    out.dump(value, false, false, 0);
    if (!ex_->headers_sent) set("Content-Type", "application/json; charset=utf-8");
    detail::send_whole(*ex_, text);
    detail::release_if_over(text, detail::scratch_keep_bytes);
}

void Response::redirect(std::string_view location, int code) {
    status(code >= 300 && code <= 399 ? code : 302);
    set("Location", location);
    send(std::string("Redirecting to ").append(location).append("\n"));
}

void Response::end() { detail::end_response(*ex_); }

SendResult Response::write(std::string_view chunk) { return detail::write_chunk(*ex_, chunk); }

void Response::on_drain(std::function<void()> fn) {
    if (ex_->session && !ex_->finished) ex_->on_drain = std::move(fn);
}

void Response::on_finish(std::function<void(bool)> fn) {
    if (ex_->finished && !ex_->queued) {
        if (fn) fn(ex_->session != nullptr || ex_->finished);
        return;
    }
    ex_->on_finish = std::move(fn);
}

void Response::abort() {
    if (ex_->session) ex_->session->abort();
}

bool Response::headers_sent() const { return ex_->headers_sent; }
bool Response::finished() const { return ex_->finished; }
bool Response::connected() const { return ex_->session != nullptr; }

std::size_t Response::buffered_amount() const {
    return ex_->session ? ex_->session->buffered_amount(*ex_) : 0;
}

Request& Response::req() const { return ex_->req; }

void Response::send_file(const std::string& path) {
    if (!ex_->finished && ex_->session) ex_->session->host().send_file(ex_->req, *this, path);
}

namespace detail {

void FileAnswer::set_headers(Response& res, std::string_view block) { set_header_block(*res.ex_, block); }

void FileAnswer::send_whole(Response& res, std::string_view body) { detail::send_whole(*res.ex_, body); }

std::size_t FileAnswer::write_now(Response& res, std::string_view bytes) { return write_body_now(*res.ex_, bytes); }

SendResult FileAnswer::write_kept(Response& res, std::string_view bytes, const std::shared_ptr<const void>& owner) {
    return write_body_kept(*res.ex_, bytes, owner);
}

std::string_view FileAnswer::coded_form(const Response& res, std::string_view content_type, std::uint64_t size) {
    Exchange& ex = *res.ex_;
    return ex.transform ? ex.transform->form_for(ResponseHead(ex), content_type, size) : std::string_view();
}

bool FileAnswer::make_form(const Response& res, std::string_view body, std::string& out) {
    const BodyTransform* t = res.ex_->transform.get();
    return t && t->make_form(body, out);
}

bool FileAnswer::send_coded(Response& res, std::string_view coded, std::uint64_t size) {
    Exchange& ex = *res.ex_;
    const std::unique_ptr<BodyTransform> t = std::move(ex.transform);  // the bytes are coded already
    ResponseHead head(ex);
    if (!t || !t->begin(head, static_cast<std::int64_t>(size))) return false;
    detail::send_whole(ex, coded);
    return true;
}

}  // namespace detail

}  // namespace duplex
