#include "http/request_parser.h"

#include "http/head_rules.h"
#include "http/http_tokens.h"
#include "http/url.h"

namespace duplex::detail {

namespace {
RequestParser& self(llhttp_t* p) { return *static_cast<RequestParser*>(p->data); }

// RFC 9110 5.6.2 tchar only. llhttp's lenient build lets spaces into field names ("Host : x"); a name another
// hop would read differently is a smuggling vector, and RFC 9112 5.1 says to answer 400. A span may be part
// of a name, so each byte is checked (emptiness is checked when the name completes).
bool all_tchar(const char* at, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!is_tchar(at[i])) return false;
    return true;
}

// llhttp 8.1 knows 0.9, 1.0, 1.1 and 2.0 and refuses the rest with a 400; read leniently (see the constructor),
// every major but 1 gets 505 here (RFC 9110 15.6.6), and 1.x is served as 1.1 (RFC 9110 2.5).
bool version_supported(const llhttp_t* p) { return p->http_major == 1; }
}  // namespace

const llhttp_settings_t RequestParser::settings_ = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = on_message_begin;
    s.on_url = on_url;
    s.on_url_complete = on_url_complete;
    s.on_method_complete = [](llhttp_t* p) {
        // Known before the target and headers: an error answered while they arrive still sees a HEAD.
        self(p).target_->method_ = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
        return 0;
    };
    s.on_version_complete = on_version_complete;
    s.on_header_field = on_header_field;
    s.on_header_field_complete = [](llhttp_t* p) {
        auto& r = self(p);
        // No field bytes at all for this line (llhttp may skip an empty span): a name is required.
        if (r.in_value_ || r.target_->headers_.back().name_len == 0) return r.limit(400, "Empty header name");
        // The rest of this line is watched for a fold from the name's end on (before it the buffer holds name
        // bytes only): llhttp discards an empty value's whitespace, and with it a fold, without a callback.
        r.folds_.start();
        r.fold_from_ = r.field_end_;
        r.target_->headers_.back().value_off = static_cast<std::uint32_t>(r.target_->storage_.size());
        return 0;
    };
    s.on_header_value = on_header_value;
    s.on_header_value_complete = [](llhttp_t* p) {
        auto& r = self(p);
        auto& h = r.target_->headers_.back();
        // llhttp drops leading whitespace; trailing OWS is not part of the value either (RFC 9110 5.5).
        while (h.value_len > 0) {
            char c = r.target_->storage_[h.value_off + h.value_len - 1];
            if (c != ' ' && c != '\t') break;
            --h.value_len;
        }
        r.in_value_ = true;
        return 0;
    };
    s.on_headers_complete = on_headers_complete;
    s.on_chunk_header = on_chunk_header;
    s.on_chunk_extension_name = [](llhttp_t* p, const char*, std::size_t n) { return on_chunk_extension(p, n); };
    s.on_chunk_extension_value = [](llhttp_t* p, const char*, std::size_t n) { return on_chunk_extension(p, n); };
    // One byte for the ';' or '=' before each name or value: ";;;;" has no name bytes but must not be free.
    s.on_chunk_extension_name_complete = [](llhttp_t* p) { return on_chunk_extension(p, 1); };
    s.on_chunk_extension_value_complete = [](llhttp_t* p) { return on_chunk_extension(p, 1); };
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
}();

RequestParser::RequestParser(const HttpOptions& limits) : limits_(limits) {
    llhttp_init(&parser_, HTTP_REQUEST, &settings_);
    // Any digit.digit version gets through to on_version_complete, which answers 505 or serves it as 1.1.
    parser_.lenient_flags |= LENIENT_VERSION;
    parser_.data = this;
}

int RequestParser::limit(int status, const char* reason) {
    error_status_ = status;
    error_reason_ = reason;
    return HPE_USER;
}

int RequestParser::on_message_begin(llhttp_t* p) {
    auto& r = self(p);
    r.target_->clear();
    // One allocation each for a typical request's bytes and header lines, instead of five or six doublings
    // (~700 instructions per request on a fresh connection); a no-op when a keep-alive request reuses them.
    r.target_->storage_.reserve(512);
    r.target_->headers_.reserve(16);
    r.phase_ = Phase::Head;
    r.header_bytes_ = 0;
    r.in_value_ = true;  // the next field starts a new header line
    r.expect_continue_ = false;
    r.close_asked_ = false;
    r.body_ahead_ = false;
    r.body_limit_ = r.limits_.max_body_bytes;
    r.body_seen_ = 0;
    r.sink_ = nullptr;
    // llhttp sets 0.9 before on_url_complete when the line ends after the target: from 0.0 here, 0.9 can only
    // mean that (an "HTTP/0.9" version comes later).
    p->http_major = 0;
    p->http_minor = 0;
    r.folds_.stop();
    r.chunks_.reset();
    return 0;
}

int RequestParser::on_url(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    Request& q = *r.target_;
    if (q.target_.len + n > r.limits_.max_url_bytes) return r.limit(414, "URI Too Long");
    q.storage_.append(at, n);
    q.target_.len += static_cast<std::uint32_t>(n);
    return 0;
}

int RequestParser::on_url_complete(llhttp_t* p) {
    auto& r = self(p);
    Request& q = *r.target_;
    std::string_view t = q.target();
    // "GET /" and the line's end: no HTTP-version, a malformed request-line (RFC 9112 3), not HTTP/0.9 to refuse
    // with 505; answered at once rather than after a head that will never come.
    if (p->http_major == 0 && p->http_minor == 9) return r.limit(400, "Request line without an HTTP version");
    if (p->method == HTTP_CONNECT) {  // authority-form ("host:port"): nothing to split, routed as it is
        q.path_ = q.target_;
        return 0;
    }
    // Where a view inside the target sits in the request's storage.
    auto span_of = [&](std::string_view part) {
        return Request::Span{q.target_.off + static_cast<std::uint32_t>(part.data() - t.data()),
                             static_cast<std::uint32_t>(part.size())};
    };
    std::optional<Target> split = split_target(t);
    if (!split) return r.limit(400, "Invalid request-target");
    if (split->form == TargetForm::Asterisk && p->method != HTTP_OPTIONS)  // RFC 9112 3.2.4
        return r.limit(400, "Asterisk-form is only for OPTIONS");
    if (split->path.data() >= t.data() && split->path.data() < t.data() + t.size()) {
        q.path_ = span_of(split->path);
    } else {  // "http://host" has the path "/" (RFC 9112 3.2.2), kept after the target
        q.path_ = {static_cast<std::uint32_t>(q.storage_.size()), 1};
        q.storage_.push_back('/');
    }
    q.query_span_ = split->has_query ? span_of(split->query) : Request::Span{};
    return 0;
}

int RequestParser::on_version_complete(llhttp_t* p) {
    return version_supported(p) ? 0 : self(p).limit(505, "HTTP Version Not Supported");
}

int RequestParser::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    Request& q = *r.target_;
    if (r.in_value_) {
        // A new line: the one before ended without a fold, or its continuation is among the bytes before this.
        if (!r.fold_free_until(at)) return r.limit(400, "Obsolete line folding");
        r.folds_.stop();
        if (q.headers_.size() >= r.limits_.max_header_count) return r.limit(431, "Too Many Headers");
        auto off = static_cast<std::uint32_t>(q.storage_.size());
        q.headers_.push_back({off, 0, off, 0});
        r.in_value_ = false;
    }
    r.header_bytes_ += n;
    if (r.header_bytes_ > r.limits_.max_header_bytes) return r.limit(431, "Request Header Fields Too Large");
    if (!all_tchar(at, n)) return r.limit(400, "Invalid header name");
    q.storage_.append(at, n);
    q.headers_.back().name_len += static_cast<std::uint32_t>(n);
    r.field_end_ = at + n;
    return 0;
}

int RequestParser::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    Request& q = *r.target_;
    r.header_bytes_ += n;
    if (r.header_bytes_ > r.limits_.max_header_bytes) return r.limit(431, "Request Header Fields Too Large");
    q.storage_.append(at, n);
    q.headers_.back().value_len += static_cast<std::uint32_t>(n);
    return 0;
}

int RequestParser::on_headers_complete(llhttp_t* p) {
    auto& r = self(p);
    Request& q = *r.target_;
    r.phase_ = Phase::Body;
    q.major_ = p->http_major;
    q.minor_ = p->http_minor;
    if (!version_supported(p)) return r.limit(505, "HTTP Version Not Supported");
    HeadVerdict verdict = check_head(q);
    if (verdict.status != 0) return r.limit(verdict.status, verdict.reason);
    r.close_asked_ = verdict.close;
    const bool body_coming = (p->flags & F_CHUNKED) || p->content_length > 0;
    // With the probe on, the caller sets the limit (start_body) before any body byte is taken.
    if (!(r.probe_ && body_coming) && (p->flags & F_CONTENT_LENGTH) && p->content_length > r.body_limit_)
        return r.limit(413, "Payload Too Large");
    if (q.has_header("expect")) {
        // Every line counts: "100-continue" on one and anything on another is an expectation we cannot meet.
        if (!ascii_iequals(q.header_all("expect"), "100-continue")) return r.limit(417, "Expectation Failed");
        // Only worth a 100 when a body is coming; HTTP/1.0 clients do not know 100 (RFC 9110 10.1.1).
        r.expect_continue_ = body_coming && q.minor_ >= 1;
    }
    if (r.probe_ && body_coming) {
        // Known from the head already (Connection, version): a streamed request is dispatched before its end.
        r.keep_alive_ = llhttp_should_keep_alive(p) != 0 && !r.close_asked_;
        r.body_ahead_ = true;
        return HPE_PAUSED;
    }
    return r.expect_continue_ ? HPE_PAUSED : 0;
}

int RequestParser::on_chunk_header(llhttp_t* p) {
    auto& r = self(p);
    // Refused when announced, as a Content-Length is: no waiting for a body that can never fit.
    if (p->content_length > r.body_limit_ - r.body_seen_) return r.limit(413, "Payload Too Large");
    r.chunks_.chunk_header(p->content_length);
    return 0;
}

int RequestParser::on_chunk_extension(llhttp_t* p, std::size_t n) {
    auto& r = self(p);
    return r.chunks_.extension(n, r.limits_.max_chunk_extension_bytes) ? 0
                                                                        : r.limit(413, "Chunk Extensions Too Large");
}

int RequestParser::on_body(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    Request& q = *r.target_;
    if (n > r.body_limit_ - r.body_seen_) return r.limit(413, "Payload Too Large");
    if ((p->flags & F_CHUNKED) && !r.chunks_.data(at, n, r.feed_end_))
        return r.limit(400, "Chunk data not followed by CRLF");
    r.body_seen_ += n;
    if (r.sink_) r.sink_->deliver(std::string_view(at, n));
    else q.body_.append(at, n);
    return 0;
}

int RequestParser::on_message_complete(llhttp_t* p) {
    auto& r = self(p);
    r.phase_ = Phase::Idle;
    r.keep_alive_ = llhttp_should_keep_alive(p) != 0 && !r.close_asked_;
    r.chunked_ = (p->flags & F_CHUNKED) != 0;
    // Pausing after every message lets the caller dispatch outside llhttp's stack and stop at the pipeline
    // bound. An upgrade pauses on its own (HPE_PAUSED_UPGRADE).
    return p->upgrade ? 0 : HPE_PAUSED;
}

int RequestParser::start_body(std::uint64_t limit, BodyPipe* sink) {
    body_limit_ = limit;
    sink_ = sink;
    if ((parser_.flags & F_CONTENT_LENGTH) && parser_.content_length > limit) {
        error_status_ = 413;
        error_reason_ = "Payload Too Large";
        return 413;
    }
    return 0;
}

RequestParser::Result RequestParser::fail_now(int status, const char* reason, std::size_t consumed) {
    error_status_ = status;
    error_reason_ = reason;
    return {Kind::Error, consumed, status, reason};
}

RequestParser::Result RequestParser::scan_method(const char* data, std::size_t len, std::size_t from) {
    switch (method_scan_.scan(data + from, len - from)) {
    case 0: return {Kind::NeedMore, len, 0, {}};
    case 501: return fail_now(501, "Not Implemented", 0);
    default: return fail_now(400, "Invalid method", 0);
    }
}

bool RequestParser::fold_free_until(const char* until) {
    if (!folds_.watching()) return true;
    const bool ok = folds_.scan(fold_from_, static_cast<std::size_t>(until - fold_from_));
    fold_from_ = until;
    return ok;
}

RequestParser::Result RequestParser::feed(const char* data, std::size_t len) {
    // After an error llhttp returns it again, but with its error position still in the earlier buffer: answer
    // here that nothing of this one was consumed.
    if (error_status_ != 0) return {Kind::Error, 0, error_status_, error_reason_};
    if (method_scan_.active()) return scan_method(data, len, 0);
    if (!chunks_.next_buffer(data, len)) return fail_now(400, "Chunk data not followed by CRLF", 0);
    feed_end_ = data + len;
    field_end_ = fold_from_ = data;  // a name or a watched line that goes on from the last buffer
    llhttp_errno_t err = llhttp_execute(&parser_, data, len);
    // The error position is only meaningful when llhttp stopped (a pause leaves it behind for later calls).
    const char* pos = err == HPE_OK ? nullptr : llhttp_get_error_pos(&parser_);
    if (pos == nullptr) pos = data + len;
    std::size_t n = static_cast<std::size_t>(pos - data);
    tail_.push(data, n);
    // What llhttp took of a watched line: a fold there came before anything llhttp or a limit refused later
    // in this buffer, as it would have come first had the bytes arrived one at a time.
    if (!fold_free_until(pos)) return fail_now(400, "Obsolete line folding", n);
    switch (err) {
    case HPE_OK:
        return {Kind::NeedMore, len, 0, {}};
    case HPE_PAUSED:
        llhttp_resume(&parser_);
        if (body_ahead_) {
            body_ahead_ = false;
            return {Kind::BodyAhead, n, 0, {}};
        }
        if (phase_ == Phase::Body && expect_continue_) {
            expect_continue_ = false;
            return {Kind::ExpectContinue, n, 0, {}};
        }
        // llhttp takes a bare LF as the end of a chunked body's trailer section; CRLF is the only end
        // everywhere else (RFC 9112 7.1), so one reading for every hop.
        if (chunked_ && !tail_.ends_with_crlf()) return fail_now(400, "Trailer section not ended by CRLF", n);
        tail_.reset();
        return {Kind::Complete, n, 0, {}};
    case HPE_PAUSED_UPGRADE:
        tail_.reset();
        return {Kind::Upgrade, n, 0, {}};
    case HPE_INVALID_METHOD:
        // Which of 501 and 400 depends on bytes that may not have arrived yet: read on without llhttp.
        method_scan_.start(is_tchar(tail_.before(data, pos)));
        return scan_method(data, len, n);
    default:
        // Our own limits set error_status_; llhttp reports them under different errnos depending on the
        // callback (HPE_USER, HPE_CB_HEADERS_COMPLETE), so the status decides, not the errno.
        if (error_status_ == 0) {
            error_status_ = 400;
            error_reason_ = llhttp_get_error_reason(&parser_);
        }
        return {Kind::Error, n, error_status_, error_reason_};
    }
}

}  // namespace duplex::detail
