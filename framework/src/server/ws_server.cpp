#include "duplex/ws_server.h"

#include "server/server_host.h"
#include "ws/ws_endpoints.h"

namespace duplex {

WsServer::WsServer(EventLoop& loop, HttpOptions http)
    : host_(std::make_unique<detail::ServerHost>(loop, nullptr, http)) {}

WsServer::~WsServer() = default;

WsServer& WsServer::route(std::string_view path, WsRoute route) {
    host_->endpoints().add(path, std::move(route));
    return *this;
}

int WsServer::listen(const ListenOptions& options) { return host_->listen(options); }
int WsServer::port() const { return host_->port(); }
const std::string& WsServer::listen_error() const { return host_->listen_error(); }
int WsServer::reload_tls() { return host_->reload_tls(); }

std::size_t WsServer::publish(std::string_view topic, std::string_view data, bool binary) {
    return host_->ws ? host_->ws->publish(topic, data, binary) : 0;
}

MetricsRegistry& WsServer::metrics() { return host_->metrics; }

std::size_t WsServer::connection_count() const { return host_->ws ? host_->ws->open_count() : 0; }

void WsServer::close(std::uint16_t code, std::function<void()> done) { host_->close(code, std::move(done)); }

}  // namespace duplex
