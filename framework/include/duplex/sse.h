/// @file
/// duplex::EventStream: server-sent events (the `text/event-stream` format of the HTML standard, read by the
/// browser's EventSource) on a Response.
///
/// `auto stream = duplex::sse(res);` sends the head (200, `Content-Type: text/event-stream`,
/// `Cache-Control: no-cache, no-transform`, `X-Accel-Buffering: no`), then each `send` writes one whole event.
/// A comment line goes out every `heartbeat` when nothing else was written, so idle timeouts of proxies and load
/// balancers do not close a quiet stream; the stream itself is never cut by the server's own idle timeout.
///
/// Lifetime: EventStream is a small copyable handle; copies share one stream, which keeps its Response (and so its
/// Request) alive. The stream ends when the client goes (the connection closes, or the client half-closes it),
/// when close() is called, or when the last handle is dropped (the answer then ends cleanly, like close()).
/// on_close runs exactly once for the first two; after that every call is a harmless no-op and send() returns
/// SendResult::Closed, so a handle kept in a list of subscribers stays safe after the peer leaves.
/// Threads: loop thread only (EventLoop::post to get there), like Response.
#pragma once

#include "duplex/error.h"
#include "duplex/response.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace duplex {

/// How duplex::sse() opens a stream.
struct SseOptions {
    /// A comment line (":\n") is written when nothing else was for this long; 0 turns heartbeats off.
    std::chrono::milliseconds heartbeat{15000};
    /// When set, a `retry:` field at the start asks the browser to wait this long before reconnecting.
    std::optional<std::chrono::milliseconds> retry;
};

/// One event. `data` may hold several lines: each CR, LF or CRLF starts a new `data:` line, and the browser joins
/// them with LF (so it receives CR and CRLF as LF). `event` and `id` must not contain CR or LF (nor `id` NUL):
/// send() throws std::invalid_argument for them rather than split a field into an injected one.
struct SseEvent {
    std::string_view data;   ///< the message (MessageEvent.data); "" is a valid, empty message
    std::string_view event;  ///< the event type (addEventListener(type)); "" means the default "message"
    std::string_view id;     ///< sets the browser's last event ID (sent back as Last-Event-ID); "" leaves it
    std::optional<std::chrono::milliseconds> retry;  ///< a new reconnection delay for the browser
};

/// A stream of server-sent events on one response. See the file comment for its lifetime and threads.
class EventStream {
public:
    /// Sends one event, as one write: Queued, Backpressure (wait for on_drain before sending more), or Closed,
    /// exactly as Response::write. Throws std::invalid_argument for a CR/LF in `event` or `id` (nothing is sent).
    SendResult send(const SseEvent& event);
    /// Sends a message with only a data field.
    SendResult send(std::string_view data) { return send(SseEvent{.data = data}); }
    /// Sends a comment (lines starting with ':'), which the browser ignores: each line of text gets its own.
    SendResult comment(std::string_view text);

    /// Runs fn once the buffered amount falls back under HttpOptions::write_high_water (as Response::on_drain).
    void on_drain(std::function<void()> fn);
    /// Runs fn once when the stream ends: the client went (client_gone == true) or close() finished it (false).
    /// Not run when it had ended before fn was set; not run for a stream ended by dropping its last handle.
    void on_close(std::function<void(bool client_gone)> fn);
    /// Ends the answer cleanly (the last chunk); the browser reconnects after its retry delay unless the page
    /// closes its EventSource.
    void close();

    /// The Last-Event-ID header the browser sent when reconnecting ("" on a first connection): the id of the
    /// last event it received, so the stream can resume after it. Valid while this stream lives.
    std::string_view last_event_id() const;
    /// False once the stream has ended (the client went or close() was called).
    bool connected() const;
    /// Bytes accepted and not yet handed to the kernel (as Response::buffered_amount).
    std::size_t buffered_amount() const;
    /// The request that opened the stream.
    Request& req() const;

    /// The shared state behind the handles (defined in the implementation).
    struct State;

private:
    friend EventStream sse(Response& res, const SseOptions& options);
    explicit EventStream(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
};

/// Starts an event stream on res: sends the head now (headers set on res before are kept; the status is 200
/// unless set) and arms the heartbeat. On a response whose headers were sent, or whose peer has gone, the
/// stream is born ended: send() returns Closed.
EventStream sse(Response& res, const SseOptions& options = {});

}  // namespace duplex
