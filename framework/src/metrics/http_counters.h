// HttpCounters: the built-in HTTP metrics of one server (App, or WsServer's handshake front), counted on its loop
// thread with plain integers and turned into metric families only when read.
//
// Lifetime: a member of the server's HttpHost. Threads: loop thread only.
#pragma once

#include "duplex/metrics.h"
#include "metrics/latency_histogram.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace duplex::detail {

// Methods with a label of their own; the rest count as "other" (bounded label values).
inline constexpr std::array<std::string_view, 8> kMetricMethods{"GET",    "HEAD",    "POST", "PUT",
                                                                "DELETE", "PATCH", "OPTIONS", "other"};
std::size_t metric_method_index(std::string_view method);

struct HttpCounters {
    // Responses per method and status class (1xx..5xx) of one route.
    using RouteRow = std::array<std::array<std::uint64_t, 5>, kMetricMethods.size()>;
    std::vector<RouteRow> routes;  // index: route id (route_names.h); grown when a new route first answers
    LatencyHistogram latency;      // from the request's head to its response handed to the connection
    std::uint64_t received_bytes = 0;
    std::uint64_t body_bytes_sent = 0;
    std::uint64_t connections_opened = 0;
    std::uint64_t open_connections = 0;
    std::uint64_t parse_errors = 0;  // requests refused by the parser or its limits (400, 413, 414, 431, ...)
    std::uint64_t timeouts = 0;      // 408s: a head or body that did not arrive in time
    std::uint64_t server_errors = 0; // 5xx responses

    void on_response(std::uint32_t route, std::string_view method, int status, std::uint64_t latency_ns,
                     std::uint64_t body_bytes) {
        if (route >= routes.size()) [[unlikely]] grow(route);
        const int cls = status / 100 - 1;
        routes[route][metric_method_index(method)][cls >= 0 && cls < 5 ? cls : 4] += 1;
        latency.observe(latency_ns);
        body_bytes_sent += body_bytes;
        server_errors += status >= 500;
    }
    // Adds the families (duplex_http_*) to snap.
    void collect(MetricsSnapshot& snap) const;

private:
    void grow(std::uint32_t route);
};

}  // namespace duplex::detail
