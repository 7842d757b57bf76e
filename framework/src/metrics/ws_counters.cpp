#include "metrics/ws_counters.h"

namespace duplex::detail {

void WsCounters::collect(MetricsSnapshot& snap, std::uint64_t open, std::uint64_t topics) const {
    auto add = [&](const char* name, const char* help, MetricType type, std::uint64_t v,
                   const MetricLabels& labels = {}) {
        snap.family(name, help, type).at(labels).value += static_cast<double>(v);
    };
    const MetricType counter = MetricType::counter;
    add("duplex_ws_connections_total", "WebSocket connections opened", counter, opened);
    add("duplex_ws_open_connections", "WebSocket connections open now", MetricType::gauge, open);
    add("duplex_ws_messages_total", "WebSocket data messages by direction", counter, messages_in,
        {{"direction", "in"}});
    add("duplex_ws_messages_total", "WebSocket data messages by direction", counter, messages_out,
        {{"direction", "out"}});
    add("duplex_ws_bytes_total", "WebSocket message payload bytes by direction", counter, bytes_in,
        {{"direction", "in"}});
    add("duplex_ws_bytes_total", "WebSocket message payload bytes by direction", counter, bytes_out,
        {{"direction", "out"}});
    add("duplex_ws_backpressure_total", "Sends that crossed the high-water mark", counter, backpressure);
    add("duplex_ws_dropped_total", "Sends refused by the Drop backpressure policy", counter, dropped);
    add("duplex_ws_policy_closes_total", "Connections closed with 1008 (policy violation)", counter, policy_closes);
    add("duplex_ws_topics", "Topics with at least one subscriber", MetricType::gauge, topics);
    add("duplex_ws_publishes_total", "publish() calls", counter, publishes);
    add("duplex_ws_publish_deliveries_total", "Messages delivered by publish() (fan-out)", counter, fanout);
}

}  // namespace duplex::detail
