// HandshakeDriver: a client connection from the URL to OPEN. Parses the URL, builds the upgrade request, has a
// TcpConnector reach the server, sends the request (as the socket's Protocol), reads the response head with a
// ResponseParser, judges it as RFC 6455 section 4.1 asks, and on success hands the socket and any bytes that
// followed the 101 to the WsSession. Every failure ends in session->fail_connecting(why): onerror, then onclose
// 1006 not clean.
//
// Lifetime: shared_ptr, owned first by the start timer, then by the connector's callback, then by the socket (as
// its Protocol) until the switch to the session. It owns the session while CONNECTING. Threads: loop thread only.
#pragma once

#include "client/response_parser.h"
#include "client/ws_url.h"
#include "duplex/client.h"
#include "net/socket_protocol.h"
#include "ws/client_handshake_rules.h"

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail {
class LoopCore;
class Socket;
class WsSession;
}  // namespace duplex::detail

namespace duplex::detail::client {

class TcpConnector;

class HandshakeDriver : public Protocol, public std::enable_shared_from_this<HandshakeDriver> {
public:
    // Keeps from `options` what the handshake needs: onopen, protocols, headers, timeouts and the deflate offer.
    HandshakeDriver(LoopCore& core, std::shared_ptr<WsSession> session, std::string url, ClientOptions options);
    ~HandshakeDriver() override;

    // Starts on the next loop turn, so that the caller holds its handle before any callback runs.
    void start_soon();
    // The session was closed by its user while connecting: stop, silently (the session has reported it).
    void abandon();

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_timeout() override;
    void on_closed(int status) override;

private:
    void start();
    std::string_view prepare_request();
    void on_connected(Socket* socket, const std::string& error);
    void open(const ws::ClientHandshakeResult& result, char* rest, std::size_t rest_len);
    void fail(std::string_view why, std::uint16_t code = CloseCode::Abnormal);
    // wss://: the TLS channel between the socket and this driver (then the session).
    void start_tls(Socket& socket);
    void stop();

    LoopCore& core_;
    std::shared_ptr<WsSession> session_;
    std::string url_text_;
    ClientOptions options_;
    WsUrl url_;
    std::optional<std::string> key_;
    std::vector<std::string_view> protocol_views_;
    std::vector<ws::HeaderField> header_views_;
    ws::ClientRequest request_;  // views into the members above; check_upgrade_response compares against it
    std::string request_bytes_;
    ResponseParser parser_;
    std::weak_ptr<TcpConnector> connector_;
    std::shared_ptr<SSL_CTX> tls_context_;  // wss:// only
    Socket* socket_ = nullptr;
    bool finished_ = false;
};

}  // namespace duplex::detail::client
