#include "client/handshake_driver.h"

#include "duplex/log.h"

#include "client/tcp_connector.h"
#include "loop/loop_core.h"
#include "net/socket.h"
#include "tls/client_context.h"
#include "tls/tls_channel.h"
#include "http/http_tokens.h"
#include "ws/ws_session.h"

#include <exception>

namespace duplex::detail::client {
namespace {

// Headers the handshake writes itself: a second copy would make the request ambiguous.
bool is_handshake_header(std::string_view name) {
    constexpr std::string_view sec = "sec-websocket-";
    return detail::ascii_iequals(name, "host") || detail::ascii_iequals(name, "upgrade") ||
           detail::ascii_iequals(name, "connection") ||
           (name.size() >= sec.size() && detail::ascii_iequals(name.substr(0, sec.size()), sec));
}

std::uint64_t ms(std::chrono::milliseconds d) { return static_cast<std::uint64_t>(d.count()); }

bool is_ip_literal(const std::string& host) {
    sockaddr_in addr{};
    return uv_ip4_addr(host.c_str(), 0, &addr) == 0;
}

}  // namespace

HandshakeDriver::HandshakeDriver(LoopCore& core, std::shared_ptr<WsSession> session, std::string url,
                                 ClientOptions options)
    : core_(core), session_(std::move(session)), url_text_(std::move(url)), options_(std::move(options)) {}

HandshakeDriver::~HandshakeDriver() = default;

void HandshakeDriver::start_soon() {
    core_.set_timer(0, 0, [self = shared_from_this()] { self->start(); }, false);
}

void HandshakeDriver::start() {
    if (finished_) return;  // closed before the loop got here
    if (std::string_view error = parse_ws_url(url_text_, url_); !error.empty()) return fail(error);
    if (std::string_view error = prepare_request(); !error.empty()) return fail(error);
    if (url_.secure) {
        std::string error;
        tls_context_ = tls::client_context(options_.tls, error);
        if (!tls_context_) return fail(error, CloseCode::TlsHandshake);
    }
    auto connector = std::make_shared<TcpConnector>(
        core_, [self = shared_from_this()](Socket* socket, const std::string& error) {
            self->on_connected(socket, error);
        });
    connector_ = connector;
    connector->start(url_.host, url_.port, options_.connect_timeout);
}

std::string_view HandshakeDriver::prepare_request() {
    key_ = ws::make_client_key();
    if (!key_) return "No strong randomness for Sec-WebSocket-Key";
    for (const std::string& p : options_.protocols) protocol_views_.push_back(p);
    for (const auto& [name, value] : options_.headers) {
        if (is_handshake_header(name)) return "Extra header repeats one the handshake sets (Host, Upgrade, "
                                              "Connection, Sec-WebSocket-*)";
        header_views_.push_back({name, value});
    }
    const WsOptions& o = options_.options;
    request_.host = url_.host;
    request_.port = url_.port;
    request_.secure = url_.secure;
    request_.target = url_.target;
    request_.key = *key_;
    request_.subprotocols = protocol_views_;
    request_.extra_headers = header_views_;
    request_.deflate.enabled = o.permessage_deflate;
    request_.deflate.server_no_context_takeover = o.server_no_context_takeover;
    request_.deflate.client_no_context_takeover = o.client_no_context_takeover;
    request_.deflate.server_max_window_bits = o.server_max_window_bits;
    request_.deflate.client_max_window_bits = o.client_max_window_bits;
    if (!ws::append_client_request(request_, request_bytes_)) return "Invalid subprotocol name or extra header";
    return {};
}

void HandshakeDriver::on_connected(Socket* socket, const std::string& error) {
    if (!socket) return fail(error);
    if (finished_) {
        socket->close();
        return;
    }
    socket_ = socket;
    if (url_.secure) start_tls(*socket);
    else socket->start(shared_from_this());
    if (!socket_) return;  // TLS could not be set up
    socket->write(request_bytes_);  // plaintext: with TLS it waits in the socket until the handshake is done
    socket->set_timeout(ms(options_.handshake_timeout));
}

void HandshakeDriver::start_tls(Socket& socket) {
    std::string error;
    SSL* ssl = tls::new_client_ssl(tls_context_.get(), url_.host, url_.ipv6_literal || is_ip_literal(url_.host),
                                   !options_.tls.insecure_skip_verify, error);
    if (!ssl) return fail(error, CloseCode::TlsHandshake);
    // The channel reports a failed handshake (a certificate that does not verify, a server that speaks no TLS)
    // with OpenSSL's reason: 1015 rather than 1006, as RFC 6455 7.4.1 reserves it for that.
    auto failed = [weak = weak_from_this()](const std::string& reason) {
        if (auto self = weak.lock()) self->fail("TLS handshake failed: " + reason, CloseCode::TlsHandshake);
    };
    socket.start_filtered(std::make_shared<tls::TlsChannel>(socket, ssl, tls_context_, shared_from_this(),
                                                             std::move(failed)));
}

void HandshakeDriver::on_data(char* data, std::size_t len) {
    if (finished_) return;
    const ResponseParser::Result r = parser_.feed(data, len);
    if (r.kind == ResponseParser::Kind::NeedMore) return;
    if (r.kind == ResponseParser::Kind::Error) return fail(r.reason);
    const ws::ClientHandshakeResult result = ws::check_upgrade_response(parser_.upgrade_response(), request_);
    if (!result.ok()) {
        if (parser_.status() == 101) return fail(result.error);
        return fail(std::string(result.error) + " (got " + std::to_string(parser_.status()) + ")");
    }
    open(result, data + r.consumed, len - r.consumed);
}

void HandshakeDriver::open(const ws::ClientHandshakeResult& result, char* rest, std::size_t rest_len) {
    finished_ = true;
    std::shared_ptr<WsSession> session = std::move(session_);
    Socket& socket = *socket_;
    socket_ = nullptr;
    socket.set_timeout(0);
    socket.set_protocol(session);  // we stay alive until the socket's call into on_data returns
    session->open(socket, result.deflate, result.subprotocol,
                  result.deflate ? parser_.header("sec-websocket-extensions") : std::string());
    if (options_.onopen) {
        WebSocket ws = session->handle();
        try {
            options_.onopen(ws);
        } catch (const std::exception& e) {
            duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket onopen: %s", e.what());
            session->close(CloseCode::InternalError, "handler error");
        } catch (...) {
            duplex::logf(duplex::LogLevel::error, "duplex: unknown exception in WebSocket onopen");
            session->close(CloseCode::InternalError, "handler error");
        }
    }
    if (rest_len > 0 && session->state() != ReadyState::Closed) session->on_data(rest, rest_len);
}

void HandshakeDriver::on_eof() { fail("Server closed the connection during the handshake"); }

void HandshakeDriver::on_timeout() { fail("Server did not answer the handshake in time"); }

void HandshakeDriver::on_closed(int status) {
    socket_ = nullptr;
    if (finished_) return;
    fail(status < 0 ? std::string("Connection lost during the handshake: ") + uv_strerror(status)
                    : std::string("Connection closed during the handshake"));
}

void HandshakeDriver::stop() {
    finished_ = true;
    if (auto connector = connector_.lock()) connector->cancel();
    if (socket_) socket_->close();  // its on_closed comes back here and finds us finished
    socket_ = nullptr;
}

void HandshakeDriver::abandon() {
    if (!finished_) stop();
}

void HandshakeDriver::fail(std::string_view why, std::uint16_t code) {
    if (finished_) return;
    stop();
    std::shared_ptr<WsSession> session = std::move(session_);
    if (session) session->fail_connecting(std::string(why), code);
}

}  // namespace duplex::detail::client
