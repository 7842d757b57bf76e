/// @file
/// duplex::RedisBridge: WebSocket topics across processes over Redis pub/sub. Attached to a WsServer (or to an
/// App's app.ws routes), it makes that server's `publish(topic, message)` reach the subscribers of every other
/// process attached to the same Redis, with no change to the code that subscribes and publishes.
///
/// - Local subscribers get a message directly (no round trip); other processes get it through Redis, on the
///   channel `<prefix><topic>`. The bridge holds one Redis subscription per topic that has local subscribers
///   (SUBSCRIBE on the first, UNSUBSCRIBE after the last), not one per client.
/// - A message carries the id of the process that published it (random, drawn once per process) and its
///   opcode: a process never delivers its own message twice, and binary stays binary.
/// - Delivery across processes is at most once, in order per publishing server. While Redis is unreachable,
///   local delivery goes on and messages for other processes are dropped and counted (RedisBridgeStats::dropped),
///   never queued; the bridge reconnects with capped exponential backoff and jitter, then subscribes again to
///   every topic that has local subscribers. Messages published elsewhere meanwhile are lost.
/// - Threads: one bridge per server, that is per loop thread: with N loop threads in one process, each
///   thread's bridge has its own connections, and every bridge drops the messages its own process published
///   (delivering those to the other threads of the process is the in-process publish's job, not Redis's).
///
/// Each bridge opens two Redis connections: a connection that has subscribed to a channel accepts nothing but
/// (UN)SUBSCRIBE and PING, so PUBLISH needs a second one.
///
/// Lifetime: create after the server, on its loop; destroy before the server and the EventLoop (destroying the
/// server first is safe too: the bridge then only keeps its state). Its connections never keep
/// EventLoop::run() going by themselves. Threads: the server's loop thread only.
#pragma once

#include "duplex/app.h"
#include "duplex/ws_server.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace duplex {

/// Where a RedisBridge stands.
enum class RedisState {
    Connecting,    ///< the first attempt is under way
    Connected,     ///< both connections are up and every local topic is subscribed
    Reconnecting,  ///< the last attempt failed or the connection was lost; the next one is scheduled
    Closed,        ///< close() was called
};

/// What the state hook is told on every change (and on every failed attempt while reconnecting).
struct RedisStatus {
    RedisState state = RedisState::Connecting;  ///< the new state
    std::string reason;                          ///< why it failed or was lost (Reconnecting); empty otherwise
    std::chrono::milliseconds retry_in{0};       ///< Reconnecting: the wait before the next attempt
};

/// Counters, read at any time on the loop thread.
struct RedisBridgeStats {
    std::uint64_t published = 0;    ///< messages handed to Redis for other processes
    std::uint64_t dropped = 0;      ///< messages for other processes dropped (Redis down, or too much unsent)
    std::uint64_t received = 0;     ///< messages from other processes delivered to local subscribers
    std::uint64_t own = 0;          ///< messages this process published, seen again and skipped
    std::uint64_t malformed = 0;    ///< messages on our channels that are not in the bridge's format
    std::uint64_t reconnects = 0;   ///< successful connections after the first
};

/// How a RedisBridge connects and behaves. Only `url` is needed.
struct RedisBridgeOptions {
    /// `redis://[:password@]host[:port][/db]` (port 6379 by default; percent-escapes allowed in the password).
    std::string url = "redis://127.0.0.1:6379";
    /// Every channel is this prefix followed by the topic.
    std::string prefix = "duplex:";
    /// Bound on connecting and on the handshake (AUTH, SELECT, PING) of each attempt.
    std::chrono::milliseconds connect_timeout{2000};
    /// The first wait after a failure; it doubles with each failure in a row, up to max_backoff. Each wait is
    /// drawn at random between half and all of it (jitter), so processes do not reconnect in step.
    std::chrono::milliseconds min_backoff{100};
    /// The longest wait between attempts.
    std::chrono::milliseconds max_backoff{1000};
    /// While more than this many bytes of publishes wait unsent (Redis not reading), new ones are dropped.
    std::size_t max_unsent_bytes = 32u << 20;
    /// Told of every state change, with the reason of a failure. Must not throw; may destroy nothing.
    std::function<void(const RedisStatus&)> on_state;
};

namespace detail { class WsEndpoints; }

/// The bridge. See the file comment for the delivery semantics, lifetime and threads.
class RedisBridge {
public:
    /// Attaches to a WsServer's topics and starts connecting. Throws std::invalid_argument on a malformed URL.
    RedisBridge(WsServer& server, RedisBridgeOptions options);
    /// Attaches to the topics of an App's app.ws routes. Throws std::invalid_argument on a malformed URL.
    RedisBridge(App& app, RedisBridgeOptions options);
    /// Detaches and closes the connections.
    ~RedisBridge();
    RedisBridge(const RedisBridge&) = delete;
    RedisBridge& operator=(const RedisBridge&) = delete;

    /// The current state.
    RedisState state() const;
    /// The counters.
    const RedisBridgeStats& stats() const;
    /// Closes the connections and stops reconnecting; publish() becomes local only (state Closed).
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace duplex
