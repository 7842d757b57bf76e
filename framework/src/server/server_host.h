// ServerHost: the HttpHost behind duplex::App and duplex::WsServer: listeners, live sessions, stats, access
// log, graceful close, and WebSocket endpoints. With a router it is an App (WebSocket upgrades only on paths
// given to app.ws); without one it is a WebSocket-only listener (plain requests get 426, unknown paths 404).
//
// Lifetime: owned by App / WsServer. Threads: loop thread only.
#pragma once

#include "duplex/app.h"
#include "duplex/metrics.h"
#include "duplex/ws_server.h"
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

    // handoff: see Listener::Handoff (a cluster's accepting loop, when SO_REUSEPORT is not used).
    int listen(const ListenOptions& o, Listener::Handoff handoff = {});
    // For a cluster loop that does not accept (hand-off): makes ready to serve connections of a listener with
    // options o accepted elsewhere (TLS certificates loaded here). Returns 0 and the index for adopt(), or an error.
    int prepare_adoption(const ListenOptions& o, std::size_t& index);
    // Serves a connection accepted by another loop's listener (fd now owned here); closed when closing.
    void adopt(std::size_t index, uv_os_sock_t fd);
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
    // A listener for options o, not yet listening: HTTP, or TLS under HTTP with its certificates loaded.
    int make_listener(const ListenOptions& o, std::unique_ptr<Listener>& out);

    HttpOptions options_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::vector<std::unique_ptr<Listener>> adopters_;  // prepare_adoption: never listen, only adopt
    std::vector<std::shared_ptr<tls::ServerCertificates>> certificates_;  // one per TLS listener
    std::string listen_error_;
    std::unordered_set<HttpSession*> sessions_;
    bool closing_ = false;
    TimerId shutdown_timer_ = 0;
    std::function<void()> done_;
};

// How the cluster layer reaches the host behind a public App or WsServer (a friend of both).
struct HostAccess {
    static ServerHost& of(App& app) { return *app.host_; }
    static ServerHost& of(WsServer& server) { return *server.host_; }
};

}  // namespace duplex::detail
