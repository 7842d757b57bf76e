// HttpExchange: one HTTP/1.1 request and its response over a connection of its own (the test client's request):
// connect with TcpConnector, write the request, parse the answer with llhttp in response mode (Content-Length,
// chunked, or a body delimited by the close), then close the connection.
//
// Lifetime: shared_ptr, held by its caller and, while connected, by its Socket (as the Protocol). cancel() ends
// it early (the connection is closed). Threads: loop thread only.
#pragma once

#include "duplex/testing.h"
#include "net/socket_protocol.h"

#include <llhttp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace duplex::detail {
class LoopCore;
class Socket;
namespace client { class TcpConnector; }
}  // namespace duplex::detail

namespace duplex::detail::testing {

class HttpExchange : public Protocol, public std::enable_shared_from_this<HttpExchange> {
public:
    // head_request: the response has no body whatever its headers say.
    HttpExchange(LoopCore& core, std::string request_bytes, bool head_request);
    ~HttpExchange() override;
    HttpExchange(const HttpExchange&) = delete;
    HttpExchange& operator=(const HttpExchange&) = delete;

    void start(const std::string& host, std::uint16_t port, std::chrono::milliseconds connect_timeout);
    void cancel();

    // The response is complete, or the exchange failed (error() says why).
    bool finished() const { return finished_; }
    const std::string& error() const { return error_; }
    duplex::testing::TestResponse& response() { return response_; }

    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_timeout() override;
    void on_closed(int status) override;

private:
    static const llhttp_settings_t settings_;
    static int on_status(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_field(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_value(llhttp_t* p, const char* at, std::size_t n);
    static int on_headers_complete(llhttp_t* p);
    static int on_body(llhttp_t* p, const char* at, std::size_t n);
    static int on_message_complete(llhttp_t* p);
    void connected(Socket* socket, const std::string& error);
    void finish(std::string error);

    LoopCore& core_;
    std::string request_;
    bool head_request_;
    llhttp_t parser_{};
    duplex::testing::TestResponse response_;
    std::weak_ptr<client::TcpConnector> connector_;
    Socket* socket_ = nullptr;
    bool in_value_ = false;  // llhttp may split names and values: the next name span starts a new header
    bool complete_ = false;
    bool finished_ = false;
    std::string error_;
};

}  // namespace duplex::detail::testing
