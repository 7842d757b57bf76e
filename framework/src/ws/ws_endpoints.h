// WsEndpoints: the WebSocket routes of one server (WsServer, or App via app.ws): the handshake (validation,
// hooks, subprotocol, permessage-deflate), the switch of the socket to a WsSession, the set of open sessions,
// topics and publish, and closing everything on shutdown.
//
// Lifetime: owned by its server; sessions refer to it until their on_closed, and the server closes them all
// before it goes. Threads: loop thread only.
#pragma once

#include "duplex/request.h"
#include "duplex/response.h"
#include "duplex/websocket.h"
#include "http/path_pattern.h"
#include "metrics/ws_counters.h"
#include "ws/topic_observer.h"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace duplex::detail {

class PublishedFrame;
class Socket;
class WsSession;
struct SessionRoute;

class WsEndpoints {
public:
    WsEndpoints() = default;
    ~WsEndpoints();

    void add(std::string_view path, WsRoute route);

    // Validates the upgrade request for a known route and switches the socket to a WebSocket session.
    // On refusal, answers through res (status + headers) and returns false. A path (raw, no query) that
    // belongs to no route: returns false without answering.
    bool upgrade(Request& req, Response& res, Socket& socket, char* rest, std::size_t n);

    bool subscribe(WsSession& s, std::string_view topic);
    bool unsubscribe(WsSession& s, std::string_view topic);
    // Frames once (and compresses once, for the subscribers that can take it: see PublishedFrame), then queues the
    // bytes to every subscriber (each one's backpressure policy applies), then tells the topic observer. Returns
    // how many local subscribers accepted it.
    std::size_t publish(std::string_view topic, std::string_view data, bool binary);
    // The local half of publish, without the observer: for messages that come from another process.
    std::size_t publish_local(std::string_view topic, std::string_view data, bool binary);
    // Local-only delivery of a frame built elsewhere (a cluster's publish from another thread): queues it to this
    // server's subscribers of topic, without the observer. Returns how many accepted it.
    std::size_t deliver(std::string_view topic, const std::shared_ptr<const PublishedFrame>& frame);
    // Counts a publish made on this thread and tells the observer (a bridge forwards it to other processes):
    // the other half of publish, for a cluster's publish, whose local delivery is deliver().
    void announce(std::string_view topic, std::string_view data, bool binary);
    // At most one observer (null to remove). See topic_observer.h.
    void set_topic_observer(TopicObserver* observer) { observer_ = observer; }
    // Every topic that has a local subscriber now (a bridge resubscribes them after a reconnect).
    std::vector<std::string> topic_names() const;
    void on_session_closed(WsSession& s);

    void close_all(std::uint16_t code, std::string_view reason);
    void abort_all();
    std::size_t open_count() const { return open_count_; }
    // Adds the duplex_ws_* families to snap.
    void collect(MetricsSnapshot& snap) const;
    // Sessions of these endpoints count into it (through their SessionRoute).
    WsCounters counters;
    // Runs whenever the last open session has closed (graceful shutdown waits on it).
    std::function<void()> on_empty;

private:
    struct Entry {
        PathPattern pattern;
        std::shared_ptr<SessionRoute> route;
    };
    // The first route matching path; its parameters (percent-decoded) go to params.
    const Entry* find(std::string_view path, NameValueList& params) const;
    // Queues frame to each of subscribers (a copy of the list: a send may close one); returns how many took it.
    // owner, when set, holds frame: each subscriber's socket then keeps a reference to a large frame, not a copy.
    std::size_t send_to(const std::vector<WsSession*>& subscribers, const PublishedFrame& frame,
                        const std::shared_ptr<const void>* owner);
    void link(WsSession& s);
    void unlink(WsSession& s);
    // A copy of the open list: the calls made on each may close sessions and change the list.
    std::vector<WsSession*> open_sessions() const;

    std::vector<Entry> routes_;
    // Open sessions, linked through the sessions themselves (no allocation per connection).
    WsSession* open_head_ = nullptr;
    std::size_t open_count_ = 0;
    std::unordered_map<std::string, std::vector<WsSession*>> topics_;
    TopicObserver* observer_ = nullptr;
};

}  // namespace duplex::detail
