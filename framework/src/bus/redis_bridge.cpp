// RedisBridge: a server's topics over Redis pub/sub. Two RedisLinks (subscriber, publisher) on the server's
// loop; the WsEndpoints' TopicObserver hooks drive SUBSCRIBE / UNSUBSCRIBE / PUBLISH, and messages from the
// subscriber link go to the local subscribers through publish_local. See duplex/redis_bridge.h for the contract.
#include "duplex/redis_bridge.h"
#include "duplex/log.h"

#include "bus/bus_envelope.h"
#include "bus/redis_link.h"
#include "loop/loop_core.h"
#include "server/server_host.h"
#include "ws/utf8.h"
#include "ws/ws_endpoints.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <utility>

namespace duplex {

using detail::bus::RedisLink;

struct RedisBridge::Impl final : detail::TopicObserver, detail::bus::RedisLinkOwner {
    Impl(detail::ServerHost& host, RedisBridgeOptions o);
    ~Impl();

    void connect();
    void disconnect();
    void schedule_retry(const std::string& reason);
    void report(RedisState s, std::string reason = {}, std::chrono::milliseconds retry_in = {});
    void subscribe_command(const std::vector<std::string_view>& topics, bool subscribe);
    void maybe_connected();
    void on_message(const redisReply& channel, const redisReply& data);

    // TopicObserver
    void on_topic_opened(std::string_view topic) noexcept override;
    void on_topic_closed(std::string_view topic) noexcept override;
    void on_published(std::string_view topic, std::string_view data, bool binary) noexcept override;
    void on_endpoints_gone() noexcept override { endpoints = nullptr; }

    // RedisLinkOwner
    void on_link_ready(RedisLink& link) override;
    void on_link_reply(RedisLink& link, const redisReply& reply) override;
    void on_link_down(RedisLink& link, const std::string& reason) override;

    detail::LoopCore& core;
    detail::WsEndpoints* endpoints;
    RedisBridgeOptions options;
    detail::bus::RedisUrl url;
    std::uint64_t origin = detail::bus::process_origin_id();
    std::shared_ptr<RedisLink> sub, pub;
    RedisState state = RedisState::Connecting;
    RedisBridgeStats stats;
    std::size_t awaiting_subscribes = 0;  // SUBSCRIBE confirmations owed before Connected
    bool ever_connected = false;
    unsigned failures = 0;  // in a row: the backoff's exponent
    std::uint64_t retry_timer = 0;
    std::minstd_rand jitter;
};

RedisBridge::Impl::Impl(detail::ServerHost& host, RedisBridgeOptions o)
    : core(detail::LoopCore::of(host.loop.native())), endpoints(&host.endpoints()), options(std::move(o)),
      jitter(static_cast<std::minstd_rand::result_type>(origin ^ reinterpret_cast<std::uintptr_t>(this))) {
    if (std::string_view err = detail::bus::parse_redis_url(options.url, url); !err.empty())
        throw std::invalid_argument("invalid Redis URL '" + options.url + "': " + std::string(err));
    endpoints->set_topic_observer(this);
    connect();
}

RedisBridge::Impl::~Impl() {
    if (endpoints) endpoints->set_topic_observer(nullptr);
    disconnect();
    if (retry_timer) core.clear_timer(retry_timer);
}

void RedisBridge::Impl::report(RedisState s, std::string reason, std::chrono::milliseconds retry_in) {
    state = s;
    if (!options.on_state) return;
    try {
        options.on_state(RedisStatus{s, std::move(reason), retry_in});
    } catch (const std::exception& e) {
        logf(LogLevel::error, "exception in RedisBridge on_state: %s", e.what());
    } catch (...) {
    }
}

void RedisBridge::Impl::connect() {
    retry_timer = 0;
    awaiting_subscribes = 0;
    const auto timeout = options.connect_timeout;
    sub = std::make_shared<RedisLink>(core, *this, url, timeout);
    pub = std::make_shared<RedisLink>(core, *this, url, timeout);
    // Kept in locals: a link refused at once reports (and is dropped by disconnect()) inside start().
    auto s = sub, p = pub;
    s->start();
    if (p == pub) p->start();
}

void RedisBridge::Impl::disconnect() {
    if (sub) std::exchange(sub, nullptr)->close();
    if (pub) std::exchange(pub, nullptr)->close();
}

void RedisBridge::Impl::schedule_retry(const std::string& reason) {
    disconnect();
    if (state == RedisState::Closed) return;
    // Capped exponential backoff, each wait drawn from [half, all] of it.
    const auto lo = std::max<std::int64_t>(options.min_backoff.count(), 1);
    std::int64_t wait = lo;
    for (unsigned i = 0; i < failures && wait < options.max_backoff.count(); ++i) wait *= 2;
    wait = std::min<std::int64_t>(wait, std::max<std::int64_t>(options.max_backoff.count(), 1));
    ++failures;
    wait = std::uniform_int_distribution<std::int64_t>(wait / 2, wait)(jitter);
    retry_timer = core.set_timer(static_cast<std::uint64_t>(wait), 0, [this] { connect(); }, true);
    report(RedisState::Reconnecting, reason, std::chrono::milliseconds(wait));
}

void RedisBridge::Impl::subscribe_command(const std::vector<std::string_view>& topics, bool subscribe) {
    std::string* out = sub ? sub->output() : nullptr;
    if (!out || topics.empty()) return;
    detail::bus::append_array_header(*out, topics.size() + 1);
    detail::bus::append_bulk(*out, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE");
    for (std::string_view t : topics) detail::bus::append_bulk(*out, options.prefix, t);
    sub->commit();
    if (subscribe && state != RedisState::Connected) awaiting_subscribes += topics.size();
}

void RedisBridge::Impl::on_link_ready(RedisLink& link) {
    if (&link == sub.get() && endpoints) {
        const std::vector<std::string> names = endpoints->topic_names();
        subscribe_command(std::vector<std::string_view>(names.begin(), names.end()), true);
    }
    maybe_connected();
}

void RedisBridge::Impl::maybe_connected() {
    if (state == RedisState::Connected || !sub || !pub || !sub->ready() || !pub->ready() || awaiting_subscribes > 0)
        return;
    if (ever_connected) ++stats.reconnects;
    ever_connected = true;
    failures = 0;
    report(RedisState::Connected);
}

void RedisBridge::Impl::on_link_reply(RedisLink& link, const redisReply& r) {
    if (r.type == REDIS_REPLY_ERROR) return link.close(), schedule_retry("Redis error: " + std::string(r.str, r.len));
    if (&link == pub.get()) {
        if (r.type != REDIS_REPLY_INTEGER) return link.close(), schedule_retry("unexpected answer to PUBLISH");
        return;
    }
    // The subscriber link: ["message", channel, data], ["subscribe" | "unsubscribe", channel, count].
    auto is = [&](std::size_t i, std::string_view word) {
        const redisReply* e = r.element[i];
        return e->type == REDIS_REPLY_STRING && std::string_view(e->str, e->len) == word;
    };
    const bool shaped = r.type == REDIS_REPLY_ARRAY && r.elements == 3 && r.element[0]->type == REDIS_REPLY_STRING &&
                        r.element[1]->type == REDIS_REPLY_STRING;
    if (shaped && is(0, "message") && r.element[2]->type == REDIS_REPLY_STRING)
        return on_message(*r.element[1], *r.element[2]);
    if (shaped && is(0, "subscribe")) {
        if (awaiting_subscribes > 0 && --awaiting_subscribes == 0) maybe_connected();
        return;
    }
    if (shaped && is(0, "unsubscribe")) return;
    link.close();
    schedule_retry("unexpected message on the subscriber connection");
}

void RedisBridge::Impl::on_message(const redisReply& channel, const redisReply& data) {
    std::string_view name(channel.str, channel.len), bytes(data.str, data.len);
    auto e = detail::bus::decode_envelope(bytes);
    if (!e || name.size() < options.prefix.size() || name.substr(0, options.prefix.size()) != options.prefix ||
        (!e->binary && !detail::ws::is_valid_utf8(e->payload))) {
        ++stats.malformed;
        return;
    }
    if (e->origin == origin) {
        ++stats.own;
        return;
    }
    ++stats.received;
    if (endpoints) endpoints->publish_local(name.substr(options.prefix.size()), e->payload, e->binary);
}

void RedisBridge::Impl::on_link_down(RedisLink&, const std::string& reason) { schedule_retry(reason); }

void RedisBridge::Impl::on_topic_opened(std::string_view topic) noexcept {
    try {
        subscribe_command({topic}, true);
    } catch (...) {  // out of memory: the topic is subscribed again after the next reconnect
    }
}

void RedisBridge::Impl::on_topic_closed(std::string_view topic) noexcept {
    try {
        subscribe_command({topic}, false);
    } catch (...) {
    }
}

void RedisBridge::Impl::on_published(std::string_view topic, std::string_view data, bool binary) noexcept {
    std::string* out = pub ? pub->output() : nullptr;
    if (!out || pub->buffered() > options.max_unsent_bytes) {
        ++stats.dropped;
        return;
    }
    try {
        const auto head = detail::bus::envelope_header(origin, binary);
        detail::bus::append_array_header(*out, 3);
        detail::bus::append_bulk(*out, "PUBLISH");
        detail::bus::append_bulk(*out, options.prefix, topic);
        detail::bus::append_bulk(*out, std::string_view(head.data(), head.size()), data);
        pub->commit();
        ++stats.published;
    } catch (...) {
        ++stats.dropped;
    }
}

RedisBridge::RedisBridge(WsServer& server, RedisBridgeOptions options)
    : impl_(std::make_unique<Impl>(*server.host_, std::move(options))) {}

RedisBridge::RedisBridge(App& app, RedisBridgeOptions options)
    : impl_(std::make_unique<Impl>(*app.host_, std::move(options))) {}

RedisBridge::~RedisBridge() = default;

RedisState RedisBridge::state() const { return impl_->state; }
const RedisBridgeStats& RedisBridge::stats() const { return impl_->stats; }

void RedisBridge::close() {
    if (impl_->state == RedisState::Closed) return;
    impl_->disconnect();
    if (impl_->retry_timer) impl_->core.clear_timer(std::exchange(impl_->retry_timer, 0));
    impl_->report(RedisState::Closed);
}

}  // namespace duplex
