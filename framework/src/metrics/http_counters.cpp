#include "metrics/http_counters.h"

#include "metrics/route_names.h"

namespace duplex::detail {

std::vector<double> LatencyHistogram::bounds_seconds() {
    std::vector<double> out;
    for (std::uint64_t ns : bounds_ns) out.push_back(static_cast<double>(ns) / 1e9);
    return out;
}

void LatencyHistogram::fill(MetricSeries& s) const {
    s.buckets.assign(counts.begin(), counts.end());
    s.count = 0;
    for (std::uint64_t n : counts) s.count += n;
    s.sum = static_cast<double>(sum_ns) / 1e9;
}

std::size_t metric_method_index(std::string_view m) {
    // By length first: one compare for the common methods.
    switch (m.size()) {
    case 3: return m == "GET" ? 0 : m == "PUT" ? 3 : 7;
    case 4: return m == "HEAD" ? 1 : m == "POST" ? 2 : 7;
    case 5: return m == "PATCH" ? 5 : 7;
    case 6: return m == "DELETE" ? 4 : 7;
    case 7: return m == "OPTIONS" ? 6 : 7;
    default: return 7;
    }
}

void HttpCounters::grow(std::uint32_t route) { routes.resize(std::size_t{route} + 1, RouteRow{}); }

void HttpCounters::collect(MetricsSnapshot& snap) const {
    static constexpr std::array<const char*, 5> classes{"1xx", "2xx", "3xx", "4xx", "5xx"};
    MetricFamily& req = snap.family("duplex_http_requests_total",
                                    "HTTP responses by method, matched route pattern and status class",
                                    MetricType::counter);
    for (std::size_t r = 0; r < routes.size(); ++r) {
        std::string name;  // read once per route, only for routes that answered
        for (std::size_t m = 0; m < kMetricMethods.size(); ++m) {
            for (std::size_t c = 0; c < classes.size(); ++c) {
                if (routes[r][m][c] == 0) continue;
                if (name.empty()) name = r == 0 ? "(none)" : route_name(static_cast<std::uint32_t>(r));
                req.at({{"method", std::string(kMetricMethods[m])}, {"route", name}, {"status", classes[c]}}).value +=
                    static_cast<double>(routes[r][m][c]);
            }
        }
    }
    latency.fill(snap.family("duplex_http_request_duration_seconds",
                             "Time from a request's head to its response handed to the connection",
                             MetricType::histogram, LatencyHistogram::bounds_seconds())
                     .at({}));
    auto counter = [&](const char* name, const char* help, std::uint64_t v, const MetricLabels& labels = {}) {
        snap.family(name, help, MetricType::counter).at(labels).value += static_cast<double>(v);
    };
    counter("duplex_http_received_bytes_total", "Bytes read from HTTP connections", received_bytes);
    counter("duplex_http_response_body_bytes_total", "Response body bytes sent", body_bytes_sent);
    counter("duplex_http_connections_total", "HTTP connections accepted", connections_opened);
    snap.family("duplex_http_open_connections", "HTTP connections open now", MetricType::gauge).at({}).value +=
        static_cast<double>(open_connections);
    const char* errors_help = "HTTP errors by kind: parse (refused requests), timeout (408), server (5xx)";
    counter("duplex_http_errors_total", errors_help, parse_errors, {{"kind", "parse"}});
    counter("duplex_http_errors_total", errors_help, timeouts, {{"kind", "timeout"}});
    counter("duplex_http_errors_total", errors_help, server_errors, {{"kind", "server"}});
}

}  // namespace duplex::detail
