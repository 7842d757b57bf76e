/// @file
/// duplex::App: the HTTP server. A Router (routes, middleware, error layers) plus listeners, connection
/// tracking, graceful close, the access log and same-port WebSocket upgrades (app.ws).
///
/// Lifetime: create after the EventLoop, destroy before it; close() it (or let the destructor abort its
/// connections) before destroying. Threads: loop thread only.
#pragma once

#include "duplex/event_loop.h"
#include "duplex/http_options.h"
#include "duplex/metrics.h"
#include "duplex/router.h"
#include "duplex/tls.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace duplex {

struct WsRoute;
namespace detail { class ServerHost; struct HostAccess; }

/// Where and how App::listen and WsServer::listen bind.
struct ListenOptions {
    std::string host = "127.0.0.1";  ///< an IPv4 or IPv6 address ("0.0.0.0", "::"), not a name
    int port = 3000;            ///< 0 picks a free port; read it back with port()
    int backlog = 511;          ///< pending connections the kernel queues before accept
    bool reuse_port = false;    ///< SO_REUSEPORT: one App per loop thread sharing the port (UV_ENOTSUP if refused)
    TlsOptions tls;             ///< a certificate here makes the listener speak TLS (https, wss); see tls.h
};

/// One line of the access log.
struct AccessLogEntry {
    std::string_view method;    ///< request method ("GET")
    std::string_view target;    ///< request-target as received
    int status;                 ///< status code sent
    std::uint64_t body_bytes;   ///< response body bytes
    std::uint64_t duration_ms;  ///< from the request's head to the response handed to the connection
    std::string_view remote;    ///< the peer's "ip:port"
};

/// Counters, read at any time on the loop thread.
struct HttpStats {
    std::uint64_t requests = 0;     ///< requests dispatched
    std::uint64_t connections = 0;  ///< open connections now
};

/// The HTTP server: a Router (routes, middleware, error layers) that also listens. See the file comment for
/// its lifetime and thread.
class App : public Router {
public:
    /// An App on loop; options bounds every connection (limits and timeouts).
    explicit App(EventLoop& loop, HttpOptions options = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Starts listening. Returns 0, or a negative libuv error code (use error_text()); several listeners allowed.
    /// [[nodiscard]]: a port in use or a bad host must not go unnoticed (run() would then return at once).
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

    /// Graceful close: stop accepting, answer every request already received (bounded by
    /// HttpOptions::shutdown_timeout), close idle keep-alive connections, close WebSockets upgraded here with
    /// 1001. `done` runs once everything is closed.
    void close(std::function<void()> done = {});

    /// A WebSocket endpoint on this App's own port: an upgrade GET to `path` is answered before the HTTP routes
    /// (an upgrade to any other path is routed as an ordinary request); see websocket.h. Two doors for one
    /// WsRoute on purpose: app.ws shares the HTTP port (one origin for page and socket), WsServer::route serves
    /// a WebSocket-only listener of its own (the seed's shape: 426 for plain HTTP). Same sessions, same options.
    App& ws(std::string_view path, WsRoute route);
    /// Sends to every WebSocket of this App subscribed to topic; returns how many accepted it.
    std::size_t publish(std::string_view topic, std::string_view data, bool binary = false);

    /// Access log: a callback per finished response. log_to_stderr() installs a one-line-per-request logger.
    void on_access_log(std::function<void(const AccessLogEntry&)> fn);
    /// Logs one line per finished response to stderr.
    void log_to_stderr();

    /// The HTTP options this App was built with. (Router::options(path, ...) registers OPTIONS routes.)
    const HttpOptions& http_options() const;
    /// Request and connection counters.
    const HttpStats& stats() const;
    /// This App's metrics: the built-in duplex_http_* (and duplex_ws_* for app.ws endpoints) and any added to it.
    /// Read with metrics().snapshot() on the loop thread; see metrics.h.
    MetricsRegistry& metrics();
    /// The loop this App runs on.
    EventLoop& loop() const;

private:
    friend class RedisBridge;  // reaches the topic hooks of this server's WebSocket endpoints
    friend struct detail::HostAccess;  // the cluster layer (cluster.h) reaches the host behind it
    std::unique_ptr<detail::ServerHost> host_;
};

/// "address already in use", ... for a libuv error code returned by listen().
std::string error_text(int code);

}  // namespace duplex
