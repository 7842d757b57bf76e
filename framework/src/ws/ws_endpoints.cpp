#include "ws/ws_endpoints.h"

#include "duplex/log.h"

#include "http/request_setters.h"
#include "net/socket.h"
#include "util/buffer_capacity.h"
#include "util/slab_pool.h"
#include "ws/frame_writer.h"
#include "ws/published_frame.h"
#include "ws/server_handshake_rules.h"
#include "ws/ws_session.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace duplex::detail {

namespace {

// The refusal as an ordinary response, so it takes its place in the connection's response order.
void refuse(Response& res, const ws::HandshakeDecision& d) {
    res.status(d.status);
    switch (d.error) {
    case ws::HandshakeError::MethodNotAllowed: res.set("Allow", "GET"); break;
    case ws::HandshakeError::NotAnUpgrade: res.set("Upgrade", "websocket"); break;
    case ws::HandshakeError::UnsupportedVersion: res.set("Sec-WebSocket-Version", "13"); break;
    default: break;
    }
    res.set("Connection", "close");
    res.send(std::string(d.reason) + "\n");
}

}  // namespace

WsEndpoints::~WsEndpoints() {
    if (TopicObserver* o = std::exchange(observer_, nullptr)) o->on_endpoints_gone();
    // Sessions that outlive us (server destroyed without close()) keep their routes but lose their endpoints.
    for (Entry& e : routes_) {
        e.route->endpoints = nullptr;
        e.route->counters = nullptr;
    }
    for (WsSession* s : open_sessions()) s->terminate();
}

void WsEndpoints::link(WsSession& s) {
    s.prev_open = nullptr;
    s.next_open = open_head_;
    if (open_head_) open_head_->prev_open = &s;
    open_head_ = &s;
    ++open_count_;
    ++counters.opened;
}

void WsEndpoints::unlink(WsSession& s) {
    if (s.prev_open) s.prev_open->next_open = s.next_open;
    else if (open_head_ == &s) open_head_ = s.next_open;
    else return;  // not linked
    if (s.next_open) s.next_open->prev_open = s.prev_open;
    s.prev_open = s.next_open = nullptr;
    --open_count_;
}

std::vector<WsSession*> WsEndpoints::open_sessions() const {
    std::vector<WsSession*> v;
    v.reserve(open_count_);
    for (WsSession* s = open_head_; s; s = s->next_open) v.push_back(s);
    return v;
}

void WsEndpoints::add(std::string_view path, WsRoute route) {
    PatternError err;
    auto p = PathPattern::compile(path, {}, &err);
    if (!p) throw std::invalid_argument("invalid WebSocket route '" + std::string(path) + "': " + std::string(err.reason));
    routes_.push_back({std::move(*p), std::make_shared<SessionRoute>(
                                             SessionRoute{std::move(route), std::string(path), this, &counters})});
}

const WsEndpoints::Entry* WsEndpoints::find(std::string_view path, NameValueList& params) const {
    for (const Entry& e : routes_)
        if (e.pattern.match(path, params).matched()) return &e;
    return nullptr;
}

bool WsEndpoints::upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n) {
    NameValueList route_params;
    const Entry* e = find(req.path(), route_params);
    if (!e) return false;
    // The route's parameters, for onupgrade and onopen (req.param("room") of "/rooms/:room").
    Request::Pairs& req_params = RequestRouting::params(req);
    req_params.clear();
    for (const NameValue& p : route_params) req_params.emplace_back(p.name, p.value);
    const WsRoute& route = e->route->route;
    // Repeated headers count as one comma-separated list (RFC 9110 5.3). A repeated key or version therefore fails
    // its check, as RFC 6455 11.3 allows each only once in a request.
    std::string connection = req.header_all("connection"), upgrade = req.header_all("upgrade"),
                protocols = req.header_all("sec-websocket-protocol"),
                extensions = req.header_all("sec-websocket-extensions"),
                version = req.header_all("sec-websocket-version"), key = req.header_all("sec-websocket-key");
    ws::UpgradeRequest ur;
    ur.method = req.method();
    ur.http_major = req.http_major();
    ur.http_minor = req.http_minor();
    ur.host = req.header("host");
    ur.connection = connection;
    ur.upgrade = upgrade;
    ur.version = version;
    ur.key = key;
    ur.protocol = protocols;
    ur.extensions = extensions;
    ur.origin = req.header("origin");
    ws::HandshakeDecision d = ws::check_upgrade_request(ur);
    if (!d.ok()) {
        refuse(res, d);
        return false;
    }
    try {
        if (route.check_origin && !route.check_origin(ur.origin)) {
            res.status(403).set("Connection", "close").send("Forbidden origin\n");
            return false;
        }
        if (route.onupgrade && !route.onupgrade(req, res)) {
            if (!res.finished()) res.status(403).set("Connection", "close").send("Forbidden\n");
            return false;
        }
    } catch (const std::exception& ex) {
        duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket upgrade hook: %s", ex.what());
        if (!res.finished()) res.status(500).set("Connection", "close").send("Internal Server Error\n");
        return false;
    }
    if (res.finished()) return false;
    std::string chosen;
    if (route.select_protocol && !d.subprotocols.empty()) {
        try {
            chosen = route.select_protocol(d.subprotocols);
        } catch (...) {
            chosen.clear();
        }
        if (std::find(d.subprotocols.begin(), d.subprotocols.end(), chosen) == d.subprotocols.end()) chosen.clear();
    }
    std::optional<ws::DeflateParams> params;
    std::string ext;
    const WsOptions& o = route.options;
    if (o.permessage_deflate) {
        ws::DeflateConfig cfg;
        cfg.enabled = true;
        cfg.server_no_context_takeover = o.server_no_context_takeover;
        cfg.client_no_context_takeover = o.client_no_context_takeover;
        cfg.server_max_window_bits = o.server_max_window_bits;
        cfg.client_max_window_bits = o.client_max_window_bits;
        params = ws::negotiate_deflate(d.deflate_offers, cfg, ext);
        if (!params) ext.clear();
    }
    ws::append_switching_protocols(d.accept, chosen, ext, {}, socket.output_buffer());
    socket.commit();
    // In a slab with its control block: every idle connection keeps one (see SlabPool).
    auto s = std::allocate_shared<WsSession>(SlabAllocator<WsSession>(), e->route, ws::Role::Server, req.target());
    socket.set_protocol(s);
    s->open(socket, params, std::move(chosen), std::move(ext));
    link(*s);
    if (route.onopen) {
        WebSocket ws = s->handle();
        try {
            route.onopen(ws, req);
        } catch (const std::exception& ex) {
            duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket onopen: %s", ex.what());
            s->close(CloseCode::InternalError, "handler error");
        }
    }
    if (n > 0 && s->state() != ReadyState::Closed) s->on_data(rest, n);
    return true;
}

bool WsEndpoints::subscribe(WsSession& s, std::string_view topic) {
    auto& mine = s.topics();
    if (std::find(mine.begin(), mine.end(), topic) != mine.end()) return false;
    mine.emplace_back(topic);
    auto& subscribers = topics_[std::string(topic)];
    subscribers.push_back(&s);
    if (subscribers.size() == 1 && observer_) observer_->on_topic_opened(topic);
    return true;
}

bool WsEndpoints::unsubscribe(WsSession& s, std::string_view topic) {
    std::vector<std::string>* mine = s.topics_if_any();  // none: never subscribed to anything
    if (!mine) return false;
    auto it = std::find(mine->begin(), mine->end(), topic);
    if (it == mine->end()) return false;
    mine->erase(it);
    auto t = topics_.find(std::string(topic));
    if (t != topics_.end()) {
        auto& v = t->second;
        v.erase(std::remove(v.begin(), v.end(), &s), v.end());
        if (v.empty()) {
            topics_.erase(t);
            if (observer_) observer_->on_topic_closed(topic);
        }
    }
    return true;
}

std::size_t WsEndpoints::publish(std::string_view topic, std::string_view data, bool binary) {
    const std::size_t delivered = publish_local(topic, data, binary);
    announce(topic, data, binary);
    return delivered;
}

void WsEndpoints::announce(std::string_view topic, std::string_view data, bool binary) {
    ++counters.publishes;
    if (observer_) observer_->on_published(topic, data, binary);
}

std::vector<std::string> WsEndpoints::topic_names() const {
    std::vector<std::string> names;
    names.reserve(topics_.size());
    for (const auto& [name, subscribers] : topics_) names.push_back(name);
    return names;
}

std::size_t WsEndpoints::publish_local(std::string_view topic, std::string_view data, bool binary) {
    auto t = topics_.find(std::string(topic));
    if (t == topics_.end()) return 0;
    if (data.size() >= Socket::shared_write_min && t->second.size() > 1) {
        // Large, and more than one subscriber: one frame that every socket holds a reference to, not a copy each.
        auto shared = std::make_shared<const PublishedFrame>(data, binary);
        const PublishedFrame& frame = *shared;
        const std::shared_ptr<const void> owner = std::move(shared);
        return send_to(t->second, frame, &owner);
    }
    thread_local PublishedFrame frame;
    frame.reset(data, binary);
    std::size_t delivered = send_to(t->second, frame, nullptr);
    frame.trim(scratch_keep_bytes);
    return delivered;
}

std::size_t WsEndpoints::deliver(std::string_view topic, const std::shared_ptr<const PublishedFrame>& frame) {
    auto t = topics_.find(std::string(topic));
    if (t == topics_.end()) return 0;
    const std::shared_ptr<const void> owner = frame;
    return send_to(t->second, *frame, &owner);
}

std::size_t WsEndpoints::send_to(const std::vector<WsSession*>& subscribers, const PublishedFrame& frame,
                                 const std::shared_ptr<const void>* owner) {
    std::size_t delivered = 0;
    // A send may fail a slow subscriber (policy Close); its removal happens later, in its close callback.
    for (WsSession* s : std::vector<WsSession*>(subscribers)) {
        std::string_view bytes = frame.plain();
        if (s->takes_shared_deflate(frame.payload_size()))
            if (std::string_view z = frame.deflated(); !z.empty()) {
                bytes = z;
                s->note_shared_deflate();
            }
        // With an owner, the socket decides by size whether to hold a reference or copy (Socket::write_shared).
        SendResult r = owner ? s->send_shared(bytes, *owner) : s->send_prepared(bytes);
        if (r == SendResult::Queued || r == SendResult::Backpressure) ++delivered;
    }
    counters.fanout += delivered;
    return delivered;
}

void WsEndpoints::on_session_closed(WsSession& s) {
    if (auto* topics = s.topics_if_any())
        for (const std::string& topic : std::vector<std::string>(*topics)) unsubscribe(s, topic);
    unlink(s);
    if (open_count_ == 0 && on_empty) on_empty();
}

void WsEndpoints::collect(MetricsSnapshot& snap) const { counters.collect(snap, open_count_, topics_.size()); }

void WsEndpoints::close_all(std::uint16_t code, std::string_view reason) {
    for (WsSession* s : open_sessions()) s->close(code, reason);
}

void WsEndpoints::abort_all() {
    for (WsSession* s : open_sessions()) s->terminate();
}

}  // namespace duplex::detail
