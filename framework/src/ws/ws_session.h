// WsSession: one open WebSocket connection, server or client side: frames in (MessageReader), messages out
// (frame writer into the socket's corked buffer), permessage-deflate, ping/pong, idle pings, the closing
// handshake with its timeout, backpressure, and the exactly-once onclose.
//
// Lifetime: shared_ptr held by its Socket (as the Protocol) while the connection lives; WebSocket handles
// hold weak_ptrs. The route (callbacks and options) is shared with the endpoint and outlives the session's
// use of it. Threads: loop thread only.
#pragma once

#include "duplex/websocket.h"
#include "net/protocol.h"
#include "ws/deflate.h"
#include "ws/message_reader.h"
#include "ws/permessage_deflate.h"

#include <any>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace duplex::detail {

class Socket;
class WsEndpoints;

class WsSession : public Protocol, public ws::MessageSink, public std::enable_shared_from_this<WsSession> {
public:
    WsSession(std::shared_ptr<const WsRoute> route, ws::Role role, std::string url);
    ~WsSession() override;

    // Becomes OPEN on `socket` with the negotiated parameters; the caller then runs onopen.
    void open(Socket& socket, std::optional<ws::DeflateParams> deflate, std::string protocol, std::string extensions,
              WsEndpoints* endpoints);
    // Client: the connection failed before OPEN (onerror + onclose 1006).
    void fail_connecting(const std::string& why);

    WebSocket handle() { return WebSocket(weak_from_this(), id_); }
    ReadyState state() const { return state_; }
    SendResult send(ws::Opcode op, std::string_view payload);
    SendResult send_prepared(std::string_view frame_bytes);  // an already framed message (publish)
    std::size_t buffered_amount() const;
    void close(std::uint16_t code, std::string_view reason);
    void terminate();
    const std::string& protocol() const { return protocol_; }
    const std::string& extensions() const { return extensions_; }
    const std::string& url() const { return url_; }
    std::any& data() { return data_; }
    std::uint64_t id() const { return id_; }
    const WsRoute& route() const { return *route_; }
    std::vector<std::string>& topics() { return topics_; }
    WsEndpoints* endpoints() const { return endpoints_; }
    // The endpoints object is going away first (server destroyed without close()).
    void detach() { endpoints_ = nullptr; }

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_drain() override;
    void on_timeout() override;
    void on_closed(int status) override;

    // ws::MessageSink
    void on_message(ws::Opcode opcode, std::string_view payload, bool compressed) override;
    void on_control(ws::Opcode opcode, std::string_view payload) override;
    void on_error(std::uint16_t close_code, std::string_view reason) override;

private:
    template <class F> void user(const char* what, F&& f);
    void send_close(std::uint16_t code, std::string_view reason);
    void fail(std::uint16_t code, std::string_view reason);
    // Flushes what is queued, then closes TCP, all within close_timeout.
    void end_socket();
    void write_frame(ws::Opcode op, std::string_view payload, bool rsv1);
    // The answer to a send that must not queue: not open, or `incoming` more bytes would pass
    // max_buffered_bytes (then the backpressure policy decides). nullopt: go ahead.
    std::optional<SendResult> refuse(std::size_t incoming);
    // Queued, or Backpressure (and ondrain armed) above the high-water mark.
    SendResult queued();
    void arm_idle();

    std::shared_ptr<const WsRoute> route_;
    ws::Role role_;
    Socket* socket_ = nullptr;
    WsEndpoints* endpoints_ = nullptr;
    std::uint64_t id_;
    ReadyState state_ = ReadyState::Connecting;
    std::optional<ws::MessageReader> reader_;  // configured at open(), when RSV1 use is known
    std::optional<ws::DeflateParams> deflate_;
    std::unique_ptr<ws::Inflater> inflater_;  // created on the first compressed message
    std::unique_ptr<ws::Deflater> deflater_;
    std::string protocol_;
    std::string extensions_;
    std::string url_;
    std::vector<std::string> topics_;
    std::any data_;
    CloseEvent close_event_;
    bool close_sent_ = false;
    bool close_received_ = false;
    bool closed_fired_ = false;
    bool want_drain_ = false;
    bool ping_outstanding_ = false;
    bool failed_ = false;
};

}  // namespace duplex::detail
