// TopicObserver: what a bridge to other processes (bus/) needs to see of one server's topics: a topic's first
// local subscriber and its last unsubscribe (so it holds one upstream subscription per topic, not per client),
// and every publish made on the server (so it can forward it). Messages coming back from elsewhere enter through
// WsEndpoints::publish_local, which does not call the observer again.
//
// Lifetime: set with WsEndpoints::set_topic_observer; the endpoints call on_endpoints_gone() when they go first.
// Threads: the endpoints' loop thread. The calls must not throw (they run inside subscribe and publish).
#pragma once

#include <string_view>

namespace duplex::detail {

class TopicObserver {
public:
    // A topic gained its first local subscriber.
    virtual void on_topic_opened(std::string_view topic) noexcept = 0;
    // A topic lost its last local subscriber.
    virtual void on_topic_closed(std::string_view topic) noexcept = 0;
    // publish() was called on the server (after the local delivery).
    virtual void on_published(std::string_view topic, std::string_view data, bool binary) noexcept = 0;
    // The endpoints are being destroyed: no more calls, and the observer must forget them.
    virtual void on_endpoints_gone() noexcept = 0;

protected:
    ~TopicObserver() = default;
};

}  // namespace duplex::detail
