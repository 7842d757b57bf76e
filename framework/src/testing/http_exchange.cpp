#include "testing/http_exchange.h"

#include "client/tcp_connector.h"
#include "loop/loop_core.h"
#include "net/socket.h"

#include <uv.h>

namespace duplex::detail::testing {

namespace {
HttpExchange& self(llhttp_t* p) { return *static_cast<HttpExchange*>(p->data); }
}  // namespace

const llhttp_settings_t HttpExchange::settings_ = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_status = &HttpExchange::on_status;
    s.on_header_field = &HttpExchange::on_header_field;
    s.on_header_value = &HttpExchange::on_header_value;
    s.on_headers_complete = &HttpExchange::on_headers_complete;
    s.on_body = &HttpExchange::on_body;
    s.on_message_complete = &HttpExchange::on_message_complete;
    return s;
}();

HttpExchange::HttpExchange(LoopCore& core, std::string request_bytes, bool head_request)
    : core_(core), request_(std::move(request_bytes)), head_request_(head_request) {
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = this;
}

HttpExchange::~HttpExchange() = default;

void HttpExchange::start(const std::string& host, std::uint16_t port, std::chrono::milliseconds connect_timeout) {
    auto connector = std::make_shared<client::TcpConnector>(
        core_, [self = shared_from_this()](Socket* socket, const std::string& error) {
            self->connected(socket, error);
        });
    connector_ = connector;
    connector->start(host, port, connect_timeout);
}

void HttpExchange::connected(Socket* socket, const std::string& error) {
    if (socket == nullptr) return finish("cannot connect: " + error);
    if (finished_) {
        socket->close();
        return;
    }
    socket_ = socket;
    socket->start(shared_from_this());
    socket->write(request_);
}

void HttpExchange::cancel() { finish("cancelled"); }

void HttpExchange::finish(std::string error) {
    if (finished_) return;
    finished_ = true;
    error_ = std::move(error);
    if (auto connector = connector_.lock()) connector->cancel();
    if (socket_ != nullptr) socket_->close();  // on_closed comes back and finds us finished
    socket_ = nullptr;
}

void HttpExchange::on_data(char* data, std::size_t len) {
    if (finished_) return;
    const llhttp_errno_t rc = llhttp_execute(&parser_, data, len);
    if (complete_) return finish({});
    if (rc != HPE_OK) finish(std::string("malformed response: ") + llhttp_errno_name(rc));
}

void HttpExchange::on_eof() {
    if (finished_) return;
    // A body delimited by the end of the connection is complete now; anything else was cut short.
    llhttp_finish(&parser_);
    finish(complete_ ? std::string() : std::string("the server closed the connection before the whole response"));
}

void HttpExchange::on_timeout() { finish("timed out"); }

void HttpExchange::on_closed(int status) {
    socket_ = nullptr;
    finish(std::string("connection lost before the whole response") +
           (status < 0 ? std::string(": ") + uv_strerror(status) : std::string()));
}

int HttpExchange::on_status(llhttp_t* p, const char* at, std::size_t n) {
    self(p).response_.reason.append(at, n);
    return 0;
}

int HttpExchange::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    HttpExchange& e = self(p);
    if (e.in_value_ || e.response_.headers.empty()) e.response_.headers.emplace_back();
    e.in_value_ = false;
    e.response_.headers.back().first.append(at, n);
    return 0;
}

int HttpExchange::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    HttpExchange& e = self(p);
    e.in_value_ = true;
    e.response_.headers.back().second.append(at, n);
    return 0;
}

int HttpExchange::on_headers_complete(llhttp_t* p) {
    HttpExchange& e = self(p);
    e.response_.status = static_cast<int>(llhttp_get_status_code(p));
    return e.head_request_ ? 1 : 0;  // 1: no body follows
}

int HttpExchange::on_body(llhttp_t* p, const char* at, std::size_t n) {
    self(p).response_.body.append(at, n);
    return 0;
}

int HttpExchange::on_message_complete(llhttp_t* p) {
    self(p).complete_ = true;
    return HPE_PAUSED;  // one response: whatever follows is not ours
}

}  // namespace duplex::detail::testing
