/// @file
/// duplex::WsServer: a WebSocket-only listener (the seed's shape: HTTP on 3000, WebSockets on 8080) sharing the
/// EventLoop with the App. Plain HTTP requests get 426 Upgrade Required; upgrades to unknown paths get 404.
///
/// Lifetime: create after the EventLoop, destroy before it; close() first for a graceful end.
/// Threads: loop thread only.
#pragma once

#include "duplex/app.h"
#include "duplex/event_loop.h"
#include "duplex/http_options.h"
#include "duplex/websocket.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace duplex {

namespace detail { class ServerHost; struct HostAccess; }

/// A listener for WebSocket routes only. See the file comment for its lifetime and thread.
class WsServer {
public:
    /// `http` bounds the handshake requests (header sizes, header timeout).
    explicit WsServer(EventLoop& loop, HttpOptions http = {});
    /// Aborts what is still open (call close() first for a graceful end).
    ~WsServer();
    WsServer(const WsServer&) = delete;
    WsServer& operator=(const WsServer&) = delete;

    /// Adds an endpoint (Express-style path pattern). Throws std::invalid_argument on a bad pattern.
    /// Two doors for one WsRoute on purpose: WsServer::route serves this WebSocket-only listener (its own port,
    /// 426 for plain HTTP), App::ws an endpoint on the HTTP App's own port. Both run the same sessions.
    WsServer& route(std::string_view path, WsRoute route);

    /// Returns 0 or a negative libuv error (see error_text()); [[nodiscard]] as App::listen.
    [[nodiscard]] int listen(const ListenOptions& options);
    /// The port of the first listener (useful with port 0).
    int port() const;
    /// Why the last listen() failed when the reason is not a libuv error: a TLS certificate or key that cannot be
    /// used (listen() then returns UV_EINVAL, error_text "invalid argument"). Names the file and OpenSSL's reason.
    const std::string& listen_error() const;
    /// Reads the certificate and key files of every TLS listener again (after a renewal): new handshakes get
    /// the new certificates, open connections keep theirs. Returns 0, or UV_EINVAL with listen_error() saying
    /// why; on failure every listener keeps what it had.
    int reload_tls();

    /// Sends to every subscriber of topic; returns how many accepted it.
    std::size_t publish(std::string_view topic, std::string_view data, bool binary = false);
    /// WebSockets open now.
    std::size_t connection_count() const;
    /// This server's metrics: duplex_ws_* and duplex_http_* for its handshake requests; see metrics.h.
    MetricsRegistry& metrics();

    /// Graceful close: stop accepting, close every WebSocket with `code` and wait (bounded by each route's
    /// close_timeout, at most HttpOptions::shutdown_timeout) for the closing handshakes. `done` runs at the end.
    void close(std::uint16_t code = CloseCode::GoingAway, std::function<void()> done = {});

private:
    friend class RedisBridge;  // reaches the topic hooks of this server's WebSocket endpoints
    friend struct detail::HostAccess;  // the cluster layer (cluster.h) reaches the host behind it
    std::unique_ptr<detail::ServerHost> host_;
};

}  // namespace duplex
