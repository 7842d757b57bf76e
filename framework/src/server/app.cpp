#include "duplex/app.h"
#include "duplex/log.h"
#include "duplex/websocket.h"

#include "http/http_session.h"
#include "http/request_setters.h"
#include "loop/loop_core.h"
#include "server/final_handler.h"
#include "server/server_host.h"
#include "static/file_sender.h"
#include "tls/tls_channel.h"
#include "ws/ws_endpoints.h"

#include <uv.h>

namespace duplex {

namespace detail {

ServerHost::ServerHost(EventLoop& l, const Router* r, HttpOptions options) : loop(l), router(r), options_(options) {
    metrics.add_collector([this](MetricsSnapshot& snap) {
        counters.collect(snap);
        if (ws) ws->collect(snap);
    });
}

WsEndpoints& ServerHost::endpoints() {
    if (!ws) {
        ws = std::make_unique<WsEndpoints>();
        ws->on_empty = [this] { maybe_done(); };
    }
    return *ws;
}

ServerHost::~ServerHost() {
    for (auto& l : listeners_) l->close();
    // Sessions still open are closed by the loop's teardown; they must not call back into this host.
    for (HttpSession* s : std::unordered_set<HttpSession*>(sessions_)) s->orphan();
    if (shutdown_timer_) loop.clear_timer(shutdown_timer_);
}

int ServerHost::make_listener(const ListenOptions& o, std::unique_ptr<Listener>& out) {
    if (closing_) return UV_ECANCELED;
    LoopCore& core = LoopCore::of(loop.native());
    if (!o.tls.enabled()) {
        out = std::make_unique<Listener>(core, [this](Socket& s) -> std::shared_ptr<Protocol> {
            if (closing_) return nullptr;
            return std::make_shared<HttpSession>(s, *this);
        });
        return 0;
    }
    auto certs = std::make_shared<tls::ServerCertificates>();
    if (!certs->load(o.tls, listen_error_)) {
        duplex::log(LogLevel::error, "TLS: " + listen_error_);
        return UV_EINVAL;
    }
    // TLS under the session: the handshake runs before the HttpSession sees a byte, and within its header
    // timeout, which the session arms at once.
    auto tls_factory = [this, certs](Socket& s) -> std::shared_ptr<Protocol> {
        if (closing_) return nullptr;
        const std::shared_ptr<const tls::ServerContext>& context = certs->current();
        SSL* ssl = context->new_ssl();
        if (!ssl) return nullptr;
        return std::make_shared<tls::TlsChannel>(s, ssl, context, std::make_shared<HttpSession>(s, *this));
    };
    out = std::make_unique<Listener>(core, std::move(tls_factory), true);
    certificates_.push_back(std::move(certs));
    return 0;
}

int ServerHost::listen(const ListenOptions& o, Listener::Handoff handoff) {
    const std::size_t certificates_before = certificates_.size();
    std::unique_ptr<Listener> l;
    if (int rc = make_listener(o, l); rc != 0) return rc;
    l->set_handoff(std::move(handoff));
    int rc = l->listen(o.host, o.port, o.backlog, o.reuse_port);
    if (rc == 0) listeners_.push_back(std::move(l));
    else certificates_.resize(certificates_before);  // a listener that never listened has nothing to reload
    return rc;
}

int ServerHost::prepare_adoption(const ListenOptions& o, std::size_t& index) {
    std::unique_ptr<Listener> l;
    if (int rc = make_listener(o, l); rc != 0) return rc;
    index = adopters_.size();
    adopters_.push_back(std::move(l));
    return 0;
}

void ServerHost::adopt(std::size_t index, uv_os_sock_t fd) {
    if (index < adopters_.size()) adopters_[index]->adopt(fd);
    else ::close(fd);
}

int ServerHost::reload_tls() {
    // All or nothing: every listener's new context is built before any is installed.
    std::vector<std::shared_ptr<const tls::ServerContext>> next;
    for (const auto& c : certificates_) {
        next.push_back(c->rebuild(listen_error_));
        if (!next.back()) {
            duplex::log(LogLevel::error, "TLS reload: " + listen_error_);
            return UV_EINVAL;
        }
    }
    for (std::size_t i = 0; i < next.size(); ++i) certificates_[i]->install(std::move(next[i]));
    listen_error_.clear();
    return 0;
}

std::optional<std::uint64_t> ServerHost::stream_limit(const Request& req) const {
    std::optional<std::uint64_t> limit = router ? router->stream_limit(req) : std::nullopt;
    if (limit && *limit == 0) limit = options_.max_body_bytes;
    return limit;
}

void ServerHost::handle_request(Request& req, Response& res) {
    ++stats.requests;
    if (!router) {
        // A WebSocket-only listener: anything that is not an upgrade request is told to upgrade.
        res.status(426).set("Upgrade", "websocket").set("Connection", "close").send("Upgrade Required\n");
        return;
    }
    try {
        router->handle(req, res, &final_handler);
    } catch (const std::exception& e) {  // only the final handler can throw here (e.g. bad JSON in a reply)
        duplex::logf(duplex::LogLevel::error, "duplex: %s", e.what());
    } catch (...) {
    }
}

bool ServerHost::handle_upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n) {
    // One route lookup: upgrade() leaves an unknown path unanswered, and answers every refusal itself.
    if (!closing_ && ws) {
        const bool switched = ws->upgrade(req, res, socket, rest, n);
        if (switched || res.finished()) {
            ++stats.requests;
            return switched;
        }
    }
    if (router) return false;  // an App routes it as an ordinary request
    ++stats.requests;
    res.status(closing_ ? 503 : 404).set("Connection", "close").send(closing_ ? "Shutting down\n" : "Not Found\n");
    return false;
}

void ServerHost::on_response_done(const Exchange& ex) {
    const std::uint64_t elapsed_ns = uv_hrtime() - ex.started_ns;
    counters.on_response(detail::RequestRouting::route(ex.req), ex.req.method(), ex.status, elapsed_ns, ex.body_bytes);
    if (!access_log) return;
    AccessLogEntry e{ex.req.method(), ex.req.target(), ex.status, ex.body_bytes, elapsed_ns / 1'000'000,
                     ex.req.remote_address()};
    try {
        access_log(e);
    } catch (...) {
    }
}

void ServerHost::on_session_open(HttpSession& s) {
    sessions_.insert(&s);
    stats.connections = sessions_.size();
    counters.open_connections = sessions_.size();
    ++counters.connections_opened;
}

void ServerHost::send_file(Request& req, Response& res, const std::string& path) {
    static_files::send_path(req, res, path);
}

void ServerHost::on_session_closed(HttpSession& s) {
    sessions_.erase(&s);
    stats.connections = sessions_.size();
    counters.open_connections = sessions_.size();
    if (closing_) maybe_done();
}

void ServerHost::close(std::uint16_t ws_code, std::function<void()> done) {
    if (closing_) return;
    closing_ = true;
    done_ = std::move(done);
    for (auto& l : listeners_) l->close();
    for (HttpSession* s : std::unordered_set<HttpSession*>(sessions_)) s->shutdown();
    if (ws) ws->close_all(ws_code, "server shutting down");
    if (!sessions_.empty() || (ws && ws->open_count() > 0)) {
        shutdown_timer_ = loop.set_timeout(options_.shutdown_timeout, [this] {
            shutdown_timer_ = 0;
            for (HttpSession* s : std::unordered_set<HttpSession*>(sessions_)) s->abort();
            if (ws) ws->abort_all();
        });
    }
    maybe_done();
}

void ServerHost::maybe_done() {
    if (!closing_ || !sessions_.empty() || (ws && ws->open_count() > 0)) return;
    if (shutdown_timer_) {
        loop.clear_timer(shutdown_timer_);
        shutdown_timer_ = 0;
    }
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done();
}

}  // namespace detail

App::App(EventLoop& loop, HttpOptions options)
    : host_(std::make_unique<detail::ServerHost>(loop, this, options)) {}

App::~App() = default;

int App::listen(const ListenOptions& options) { return host_->listen(options); }
int App::port() const { return host_->port(); }
const std::string& App::listen_error() const { return host_->listen_error(); }
int App::reload_tls() { return host_->reload_tls(); }
void App::close(std::function<void()> done) { host_->close(CloseCode::GoingAway, std::move(done)); }

App& App::ws(std::string_view path, WsRoute route) {
    host_->endpoints().add(path, std::move(route));
    return *this;
}

std::size_t App::publish(std::string_view topic, std::string_view data, bool binary) {
    return host_->ws ? host_->ws->publish(topic, data, binary) : 0;
}

void App::on_access_log(std::function<void(const AccessLogEntry&)> fn) { host_->access_log = std::move(fn); }

void App::log_to_stderr() {
    on_access_log([](const AccessLogEntry& e) {
        duplex::logf(duplex::LogLevel::info, "%.*s %.*s %.*s %d %llu %llums", static_cast<int>(e.remote.size()),
                     e.remote.data(),
                     static_cast<int>(e.method.size()), e.method.data(), static_cast<int>(e.target.size()),
                     e.target.data(), e.status, static_cast<unsigned long long>(e.body_bytes),
                     static_cast<unsigned long long>(e.duration_ms));
    });
}

const HttpOptions& App::http_options() const { return host_->http_options(); }
const HttpStats& App::stats() const { return host_->stats; }
MetricsRegistry& App::metrics() { return host_->metrics; }
EventLoop& App::loop() const { return host_->loop; }

std::string error_text(int code) { return code < 0 ? uv_strerror(code) : "ok"; }

}  // namespace duplex
