// ServerHost: the HttpHost behind duplex::App and duplex::WsServer: listeners, live sessions, stats, access
// log, graceful close, and WebSocket endpoints. With a router it is an App (WebSocket upgrades only on paths
// given to app.ws); without one it is a WebSocket-only listener (plain requests get 426, unknown paths 404).
//
// Lifetime: owned by App / WsServer. Threads: loop thread only.
#pragma once

#include "duplex/app.h"
#include "duplex/ws_server.h"
#include "http/http_host.h"
#include "net/listener.h"

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
    // Serves a connection accepted by another loop's listener (fd now owned here); closed when closing.
    void adopt(uv_os_sock_t fd);
    int port() const { return listeners_.empty() ? 0 : listeners_.front()->port(); }
    // Graceful close; WebSockets get ws_code.
    void close(std::uint16_t ws_code, std::function<void()> done);
    // The WebSocket endpoints, created on first use.
    WsEndpoints& endpoints();

    // HttpHost
    const HttpOptions& http_options() const override { return options_; }
    void handle_request(Request& req, Response& res) override;
    bool handle_upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n) override;
    void send_file(Request& req, Response& res, const std::string& path) override;
    void on_response_done(const Exchange& ex) override;
    void on_session_open(HttpSession& s) override;
    void on_session_closed(HttpSession& s) override;

    EventLoop& loop;
    const Router* router;
    HttpStats stats;
    std::function<void(const AccessLogEntry&)> access_log;
    std::unique_ptr<WsEndpoints> ws;  // created by endpoints()

private:
    void maybe_done();
    Listener::Factory factory();

    HttpOptions options_;
    std::vector<std::unique_ptr<Listener>> listeners_;
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
