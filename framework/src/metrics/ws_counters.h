// WsCounters: the built-in WebSocket metrics of one server's endpoints, counted on the loop thread with plain
// integers and turned into metric families only when read.
//
// Lifetime: a member of WsEndpoints; sessions reach it through their SessionRoute (null for client connections).
// Threads: loop thread only.
#pragma once

#include "duplex/metrics.h"

#include <cstdint>

namespace duplex::detail {

struct WsCounters {
    std::uint64_t opened = 0;            // connections upgraded
    std::uint64_t messages_in = 0;
    std::uint64_t messages_out = 0;      // data messages queued (publish deliveries included)
    std::uint64_t bytes_in = 0;          // message payload bytes (after inflating)
    std::uint64_t bytes_out = 0;         // payload bytes queued (before deflating; publish: frame bytes)
    std::uint64_t backpressure = 0;      // sends that crossed the high-water mark (Backpressure after Queued)
    std::uint64_t dropped = 0;           // sends refused by BackpressurePolicy::Drop
    std::uint64_t policy_closes = 0;     // Close frames sent with 1008 (e.g. the send buffer limit)
    std::uint64_t publishes = 0;         // publish() calls
    std::uint64_t fanout = 0;            // messages publish() delivered, summed

    // Adds the families (duplex_ws_*) to snap; open and topics are read from the endpoints at that moment.
    void collect(MetricsSnapshot& snap, std::uint64_t open, std::uint64_t topics) const;
};

}  // namespace duplex::detail
