/// @file
/// duplex::WebSocket: the browser's WebSocket vocabulary in C++, on the server and in the client alike:
/// ready_state() (CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3), send(), buffered_amount(), close(), and the
/// callbacks onopen / onmessage / onclose / onerror (+ ondrain, onping, onpong).
///
/// Lifetime: WebSocket is a small copyable handle (a weak reference plus an id). It never keeps a connection
/// alive; after the peer is gone ready_state() is CLOSED, send() returns SendResult::Closed and every other
/// call is a no-op. Callbacks live in the route (server) or the connect options (client), never in the
/// connection, so handles captured in them cannot form cycles. onclose fires exactly once per connection that
/// reached OPEN (and for a client whose connect failed); onerror is always followed by onclose.
/// Threads: loop thread only.
#pragma once

#include "duplex/close_code.h"
#include "duplex/error.h"

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex {

class Request;
class Response;
class EventLoop;
namespace detail { class WsSession; }

/// A connection's state, numbered as the browser's WebSocket.readyState.
enum class ReadyState : int { Connecting = 0, Open = 1, Closing = 2, Closed = 3 };

/// One received message. `data` is valid only during the onmessage call: copy what you keep.
struct Message {
    std::string_view data;  ///< the payload (UTF-8 for text)
    bool binary = false;    ///< a binary message, else text
};

/// How a connection ended, as the browser's CloseEvent.
struct CloseEvent {
    std::uint16_t code = CloseCode::Abnormal;  ///< the Close frame's code (1005 none, 1006 no Close frame)
    std::string reason;                        ///< the Close frame's reason
    bool was_clean = false;                    ///< true when both Close frames were exchanged
};

/// What happens to an outgoing frame when the connection's buffered amount would pass max_buffered_bytes: a
/// message or ping, and also an automatic pong or the idle ping (only our Close may pass it, once). Automatic
/// pongs are coalesced first (RFC 6455 5.5.3): while one waits unsent, later pings only update the answer owed.
enum class BackpressurePolicy {
    Close,  ///< close the connection with 1008 (a reader too slow to keep up)
    Drop,   ///< refuse the message (SendResult::Dropped; a pong stays owed until the drain); the connection stays open
};

class WebSocket;

/// Per-connection limits and behaviour, with their defaults.
struct WsOptions {
    std::size_t max_message_bytes = 16 * 1024 * 1024;  ///< bigger message (after inflation) -> close 1009; 4 GiB+ saturates
    /// Frames cost time, not memory (a message grows in one buffer): the bound stops a message that never ends,
    /// while 16 MiB in 16-byte fragments (Autobahn sends 4 MiB in 64-byte ones) still passes.
    std::uint32_t max_fragments = 1u << 20;            ///< more frames in one message -> close 1009
    std::size_t max_buffered_bytes = 16 * 1024 * 1024; ///< any frame over this (pings, pongs too) -> backpressure policy
    BackpressurePolicy backpressure = BackpressurePolicy::Close;  ///< over max_buffered_bytes: close or drop
    std::size_t high_water_bytes = 1024 * 1024;        ///< send returns Backpressure above this
    std::chrono::milliseconds idle_timeout{120000};    ///< no byte received: ping, then close 1006 (0 = never)
    std::chrono::milliseconds close_timeout{5000};     ///< waiting for the peer's Close or TCP close
    bool permessage_deflate = false;                   ///< RFC 7692, negotiated when the peer offers it
    /// permessage-deflate parameters (RFC 7692 7.1): no context takeover trades ratio for memory per
    /// connection; window bits (8-15) bound the LZ77 window.
    ///@{
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::uint8_t server_max_window_bits = 15;
    std::uint8_t client_max_window_bits = 15;
    ///@}
    std::size_t compress_min_bytes = 64;               ///< smaller messages are sent uncompressed
};

/// The callback types a server route (WsRoute) and a client (ClientOptions, client.h) share: defined once here,
/// so the two cannot drift. Every callback runs on the connection's loop thread.
///@{
using WsMessageFn = std::function<void(WebSocket&, const Message&)>;
using WsCloseFn = std::function<void(WebSocket&, const CloseEvent&)>;
using WsErrorFn = std::function<void(WebSocket&, const Error&)>;
using WsEventFn = std::function<void(WebSocket&)>;
using WsControlFn = std::function<void(WebSocket&, std::string_view payload)>;
///@}

/// A WebSocket endpoint on a server: options, handshake hooks and callbacks, with designated initializers:
///   wss.route("/ws", {.onopen = ..., .onmessage = ...});
struct WsRoute {
    /// Open: the upgrade request (its route params, query, headers) is valid during the call only.
    std::function<void(WebSocket&, const Request&)> onopen;
    WsMessageFn onmessage;  ///< one whole message (data valid during the call)
    WsCloseFn onclose;      ///< once per connection that opened
    WsErrorFn onerror;      ///< a protocol error or a limit; onclose follows
    WsEventFn ondrain;      ///< the buffered amount fell under WsOptions::high_water_bytes
    WsControlFn onping;     ///< a ping arrived (the pong is sent for you)
    WsControlFn onpong;     ///< a pong arrived
    /// Before the handshake is answered: return false to refuse (answer through res, else 403 is sent).
    std::function<bool(Request&, Response&)> onupgrade;
    /// Origin check: return false to refuse with 403.
    std::function<bool(std::string_view origin)> check_origin;
    /// Picks one of the offered subprotocols ("" for none); must return one of them.
    std::function<std::string(const std::vector<std::string_view>& offered)> select_protocol;
    WsOptions options;  ///< limits and behaviour of this route's connections
};

/// One WebSocket connection, server or client side: a copyable handle. See the file comment.
class WebSocket {
public:
    WebSocket() = default;  ///< refers to nothing: CLOSED

    /// CONNECTING, OPEN, CLOSING or CLOSED (CLOSED once the connection is gone).
    ReadyState ready_state() const;
    /// Text must be valid UTF-8 (not checked: it is your data). Returns Queued, Backpressure, Dropped,
    /// NotOpen (CONNECTING) or Closed.
    SendResult send(std::string_view text);
    /// Sends a binary message; returns as send().
    SendResult send_binary(std::string_view bytes);
    /// Same opcode as the message (echo).
    SendResult send(const Message& m) { return m.binary ? send_binary(m.data) : send(m.data); }
    /// A ping (payload cut to 125 bytes), never compressed; queued, dropped or refused like send().
    SendResult ping(std::string_view payload = {});
    /// Bytes accepted by send and not yet handed to the kernel.
    std::size_t buffered_amount() const;
    /// Starts the closing handshake (code 1000 or 3000-4999 for applications; reason <= 123 bytes UTF-8).
    void close(std::uint16_t code = CloseCode::Normal, std::string_view reason = {});
    /// Drops the TCP connection without a closing handshake (onclose: 1006, not clean).
    void terminate();

    /// Unique per process; 0 for an empty handle.
    std::uint64_t id() const { return id_; }
    /// The negotiated subprotocol and extensions ("" when none).
    ///@{
    std::string protocol() const;
    std::string extensions() const;
    ///@}
    /// The upgrade request's target ("/ws?room=a"), path and query string.
    std::string url() const;
    /// Per-connection user data, empty at first; freed with the connection.
    std::any* data() const;

    /// Topics of the server this connection belongs to: publish(topic) reaches every subscriber.
    /// Returns false when the connection is not open (or already subscribed / not subscribed).
    ///@{
    bool subscribe(std::string_view topic);
    bool unsubscribe(std::string_view topic);
    ///@}

    friend bool operator==(const WebSocket& a, const WebSocket& b) { return a.id_ == b.id_; }

private:
    friend class detail::WsSession;
    WebSocket(std::weak_ptr<detail::WsSession> s, std::uint64_t id) : session_(std::move(s)), id_(id) {}
    std::weak_ptr<detail::WsSession> session_;
    std::uint64_t id_ = 0;
};

}  // namespace duplex
