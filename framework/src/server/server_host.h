// ServerHost: the HttpHost behind duplex::App and duplex::WsServer: listeners, live sessions, stats, access
// log, graceful close, and WebSocket endpoints. With a router it is an App (WebSocket upgrades only on paths
// given to app.ws); without one it is a WebSocket-only listener (plain requests get 426, unknown paths 404).
//
// Lifetime: owned by App / WsServer. Threads: loop thread only.
#pragma once

#include "duplex/app.h"
#include "duplex/metrics.h"
#include "http/http_host.h"
#include "net/listener.h"
#include "tls/server_context.h"

#include <memory>
#include <unordered_set>
#include <vector>

namespace duplex::detail {

class HttpSession;
class WsEndpoints;

class ServerHost : public HttpHost {
public:
    // router: the App to route plain requests to, or null for a WebSocket-only server.
    ServerHost(EventLoop& loop, const Router* router, HttpOptions options);
    ~ServerHost() override;

    int listen(const ListenOptions& o);
    // See App::reload_tls and App::listen_error.
    int reload_tls();
    const std::string& listen_error() const { return listen_error_; }
    int port() const { return listeners_.empty() ? 0 : listeners_.front()->port(); }
    // Graceful close; WebSockets get ws_code.
    void close(std::uint16_t ws_code, std::function<void()> done);
    // The WebSocket endpoints, created on first use.
    WsEndpoints& endpoints();

    // HttpHost
    const HttpOptions& http_options() const override { return options_; }
    void handle_request(Request& req, Response& res) override;
    bool may_stream() const override { return router && router->has_stream_routes(); }
    std::optional<std::uint64_t> stream_limit(const Request& req) const override;
    bool handle_upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n) override;
    void send_file(Request& req, Response& res, const std::string& path) override;
    void on_response_done(const Exchange& ex) override;
    void on_session_open(HttpSession& s) override;
    void on_session_closed(HttpSession& s) override;

    EventLoop& loop;
    const Router* router;
    HttpStats stats;
    MetricsRegistry metrics;  // the built-in HTTP and WebSocket metrics (a collector) and the user's
    std::function<void(const AccessLogEntry&)> access_log;
    std::unique_ptr<WsEndpoints> ws;  // created by endpoints()

private:
    void maybe_done();
    int add_listener(const ListenOptions& o, Listener::Factory factory,
                     std::shared_ptr<tls::ServerCertificates> certs);

    HttpOptions options_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::vector<std::shared_ptr<tls::ServerCertificates>> certificates_;  // one per TLS listener
    std::string listen_error_;
    std::unordered_set<HttpSession*> sessions_;
    bool closing_ = false;
    TimerId shutdown_timer_ = 0;
    std::function<void()> done_;
};

}  // namespace duplex::detail
