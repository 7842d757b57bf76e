// WsSession: one open WebSocket connection, server or client side: frames in (MessageReader), messages out
// (frame writer into the socket's corked buffer), permessage-deflate, ping/pong, idle pings, the closing
// handshake with its timeout, backpressure, and the exactly-once onclose.
//
// Every outgoing frame (data, prepared publish frames, user and idle pings, automatic pongs, Close) goes through
// one step, enqueue(), which applies max_buffered_bytes with the route's policy and compresses data frames only
// (RFC 7692 6.1: control frames never are); frames built once for many (publish) take send_prepared() (copied)
// or send_shared() (a large one, queued by reference): the same cap, policy and counters, without framing. Automatic pongs are coalesced (RFC 6455 5.5.3: only the latest ping
// needs an answer): while one pong waits unsent in the queue, later pings only replace the payload owed, which
// goes out once the queue has drained. So a peer that floods pings and reads nothing costs at most one queued
// pong plus 125 bytes, with reading going on; and when the buffer is over the cap anyway (the application
// filled it), an owed pong meets the policy like any frame: Close fails the connection with 1008, Drop keeps it
// owed until the drain. A Close frame alone may pass the cap (by at most 131 bytes, once per connection).
//
// Memory: every idle connection carries one of these, so the object holds only what each message needs.
// Everything else (subprotocol, extensions, a URL other than the route's path, topics, user data, a close
// reason, the zlib streams) lives in Extras, allocated the first time one of them is set.
//
// Lifetime: shared_ptr held by its Socket (as the Protocol) while the connection lives; WebSocket handles
// hold weak_ptrs. The SessionRoute is shared with the endpoint and outlives the session's use of it.
// Threads: loop thread only.
#pragma once

#include "duplex/websocket.h"
#include "net/socket_protocol.h"
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
struct WsCounters;

// What sessions run on: the callbacks and options, the path the route answers (the url() of every session
// whose request target is exactly that, so the common case stores no URL per connection), and the server's
// endpoints (null for a client, and once the server has gone). Shared by all sessions of one server route;
// a client connection has its own.
struct SessionRoute {
    WsRoute route;
    std::string path;
    WsEndpoints* endpoints = nullptr;
    WsCounters* counters = nullptr;  // the endpoints' metrics; null with endpoints
};

class WsSession : public Protocol, public std::enable_shared_from_this<WsSession> {
public:
    WsSession(std::shared_ptr<const SessionRoute> route, ws::Role role, std::string_view url);
    ~WsSession() override;

    // Becomes OPEN on `socket` with the negotiated parameters; the caller then runs onopen.
    void open(Socket& socket, std::optional<ws::DeflateParams> deflate, std::string protocol, std::string extensions);
    // Client: the connection failed before OPEN (onerror + onclose 1006).
    void fail_connecting(const std::string& why, std::uint16_t code = CloseCode::Abnormal);

    WebSocket handle() { return WebSocket(weak_from_this(), id_); }
    ReadyState state() const { return state_; }
    // A data message (Text or Binary), compressed when deflate was agreed and it is big enough.
    SendResult send(ws::Opcode op, std::string_view payload);
    SendResult send_prepared(std::string_view frame_bytes);  // an already framed message (publish)
    // The same for a large frame that owner keeps alive: queued by reference, not copied (Socket::write_shared).
    SendResult send_shared(std::string_view frame_bytes, const std::shared_ptr<const void>& owner);
    // Whether a message compressed once without context (PublishedFrame::deflated, window 15) may go to this peer:
    // deflate agreed, a payload worth compressing, and no match distance past the peer's window (the full window,
    // or a message no longer than it). Context takeover or not: a message that refers to nothing before it
    // inflates in any window (see note_shared_deflate for our own stream).
    bool takes_shared_deflate(std::size_t payload_size) const {
        return deflating() && payload_size >= options().compress_min_bytes &&
               (extras_->deflate->server_max_window_bits >= 15 ||
                payload_size <= (std::size_t{1} << extras_->deflate->server_max_window_bits));
    }
    // A shared compressed frame went to this peer: with context takeover its window now holds bytes our own
    // deflater never saw, so the next message we compress ourselves starts afresh (Deflater::reset) rather than
    // referring back into them.
    void note_shared_deflate() {
        if (!extras_->deflate->server_no_context_takeover) extras_->deflater_stale = true;
    }
    // A user ping; payloads over 125 bytes are cut to 125.
    SendResult ping(std::string_view payload);
    std::size_t buffered_amount() const;
    void close(std::uint16_t code, std::string_view reason);
    void terminate();
    const std::string& protocol() const;
    const std::string& extensions() const;
    const std::string& url() const;
    std::any& data() { return extras().data; }
    std::uint64_t id() const { return id_; }
    const WsRoute& route() const { return route_->route; }
    // Topics this session is subscribed to; null when none ever were.
    std::vector<std::string>* topics_if_any() { return extras_ ? &extras_->topics : nullptr; }
    std::vector<std::string>& topics() { return extras().topics; }
    WsEndpoints* endpoints() const { return route_->endpoints; }

    // The endpoints' list of open sessions (intrusive: no allocation per connection).
    WsSession* prev_open = nullptr;
    WsSession* next_open = nullptr;

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_drain() override;
    void on_timeout() override;
    void on_closed(int status) override;

private:
    struct Extras {
        std::string url;  // only when it differs from the route's path
        std::string protocol;
        std::string extensions;
        std::vector<std::string> topics;
        std::any data;
        std::string close_reason;
        std::optional<ws::DeflateParams> deflate;
        std::unique_ptr<ws::DeflateStreams> zlib;  // created on the first compressed message, either way
        std::string owed_pong;  // the latest ping's payload while a pong waits unsent (see answer_ping)
        bool deflater_stale = false;  // see note_shared_deflate
    };
    class Sink;
    Extras& extras();
    bool deflating() const { return extras_ && extras_->deflate; }
    // The agreed deflate parameters mapped onto this role's two streams (make_deflate_streams).
    ws::DeflateStreams& zlib();

    // What the reader reports (through Sink).
    void on_message(ws::Opcode opcode, std::string_view payload, bool compressed);
    void on_control(ws::Opcode opcode, std::string_view payload);

    template <class F> void user(const char* what, F&& f);
    void send_close(std::uint16_t code, std::string_view reason);
    void fail(std::uint16_t code, std::string_view reason);
    // Records what onclose will report (the first record wins where noted by callers).
    void set_close_event(std::uint16_t code, std::string_view reason);
    // Flushes what is queued, then closes TCP, all within close_timeout.
    void end_socket();
    // The one door for outgoing frames built here: frames the payload (compressed if it is data and worth it).
    // Frames built once for many (publish) take send_prepared / send_shared: the same checks and counters.
    SendResult enqueue(ws::Opcode op, std::string_view payload);
    void count_sent(std::size_t bytes);  // a data message queued: the route's counters
    void write_frame(ws::Opcode op, std::string_view payload, bool rsv1);
    // The answer to a frame that must not queue: not open, or `incoming` more bytes would pass
    // max_buffered_bytes (then the backpressure policy decides). nullopt: go ahead.
    std::optional<SendResult> refuse(ws::Opcode op, std::size_t incoming);
    // Answers a ping, or owes the answer while an earlier pong waits unsent (coalescing).
    void answer_ping(std::string_view payload);
    // Queued, or Backpressure (and ondrain armed) above the high-water mark.
    SendResult queued();
    void arm_idle();
    const WsOptions& options() const { return route_->route.options; }

    std::shared_ptr<const SessionRoute> route_;
    Socket* socket_ = nullptr;
    std::uint64_t id_;
    ws::MessageReader reader_;  // reconfigured at open(), when RSV1 use is known
    std::unique_ptr<Extras> extras_;
    ReadyState state_ = ReadyState::Connecting;
    std::uint16_t close_code_ = CloseCode::Abnormal;
    ws::Role role_;
    bool close_sent_ : 1 = false;
    bool close_received_ : 1 = false;
    bool closed_fired_ : 1 = false;
    bool want_drain_ : 1 = false;
    bool ping_outstanding_ : 1 = false;
    bool failed_ : 1 = false;
    bool pong_queued_ : 1 = false;  // a pong was queued and the queue has not drained since
    bool pong_owed_ : 1 = false;    // extras_->owed_pong is the answer to send at the next drain
};

}  // namespace duplex::detail
