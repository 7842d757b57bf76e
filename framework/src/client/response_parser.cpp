#include "client/response_parser.h"

#include "http/http_tokens.h"

namespace duplex::detail::client {
namespace {
ResponseParser& self(llhttp_t* p) { return *static_cast<ResponseParser*>(p->data); }
}  // namespace

const llhttp_settings_t ResponseParser::settings_ = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_header_field = on_header_field;
    s.on_header_field_complete = [](llhttp_t* p) {
        self(p).next_is_new_ = true;
        return 0;
    };
    s.on_header_value = on_header_value;
    s.on_header_value_complete = [](llhttp_t* p) {
        // llhttp drops leading whitespace; trailing OWS is not part of the value either (RFC 9110 5.5).
        std::string& v = self(p).headers_.back().second;
        while (!v.empty() && detail::is_ows(v.back())) v.pop_back();
        return 0;
    };
    s.on_headers_complete = on_headers_complete;
    return s;
}();

ResponseParser::ResponseParser() {
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = this;
}

int ResponseParser::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    if (r.next_is_new_) r.headers_.emplace_back();
    r.next_is_new_ = false;
    r.headers_.back().first.append(at, n);
    return 0;
}

int ResponseParser::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    auto& r = self(p);
    r.headers_.back().second.append(at, n);
    return 0;
}

int ResponseParser::on_headers_complete(llhttp_t* p) {
    self(p).status_ = p->status_code;
    // 2: no body is read, and llhttp stops with HPE_PAUSED_UPGRADE right after the head, whatever the status:
    // the bytes after a 101 are WebSocket frames, and a refusal's body is of no interest.
    return 2;
}

ResponseParser::Result ResponseParser::feed(const char* data, std::size_t len) {
    if (done_ != Kind::NeedMore) return {done_, 0, error_};
    const llhttp_errno_t rc = llhttp_execute(&parser_, data, len);
    if (rc == HPE_OK) {
        head_bytes_ += len;
        if (head_bytes_ <= max_head_bytes) return {Kind::NeedMore, len, {}};
        done_ = Kind::Error;
        error_ = "Server response head is too large";
        return {done_, len, error_};
    }
    if (rc == HPE_PAUSED_UPGRADE) {
        const auto consumed = static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - data);
        head_bytes_ += consumed;
        done_ = head_bytes_ <= max_head_bytes ? Kind::Complete : Kind::Error;
        if (done_ == Kind::Error) error_ = "Server response head is too large";
        return {done_, consumed, error_};
    }
    done_ = Kind::Error;
    error_ = "Server sent a malformed HTTP response";
    return {done_, len, error_};
}

std::string ResponseParser::header(std::string_view name) const {
    std::string value;
    for (const auto& [n, v] : headers_) {
        if (!detail::ascii_iequals(n, name)) continue;
        if (!value.empty()) value += ", ";
        value += v;
    }
    return value;
}

ws::UpgradeResponse ResponseParser::upgrade_response() {
    static constexpr std::string_view names[5] = {"upgrade", "connection", "sec-websocket-accept",
                                                  "sec-websocket-protocol", "sec-websocket-extensions"};
    for (std::size_t i = 0; i < 5; ++i) joined_[i] = header(names[i]);
    ws::UpgradeResponse r;
    r.status = status_;
    r.upgrade = joined_[0];
    r.connection = joined_[1];
    r.accept = joined_[2];
    r.protocol = joined_[3];
    r.extensions = joined_[4];
    return r;
}

}  // namespace duplex::detail::client
