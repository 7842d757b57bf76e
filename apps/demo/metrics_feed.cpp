#include "metrics_feed.h"

#include <duplex/json.h>
#include <duplex/response.h>
#include <duplex/websocket.h>

#include <chrono>

namespace demo {

std::string feed_message(const duplex::MetricsSnapshot& snap, long long now_ms) {
    nlohmann::json latency{{"bounds", nlohmann::json::array()}, {"buckets", nlohmann::json::array()}};
    for (const duplex::MetricFamily& f : snap.families) {
        if (f.name != "duplex_http_request_duration_seconds") continue;
        latency["bounds"] = f.bounds;
        std::vector<std::uint64_t> cumulative(f.bounds.size() + 1, 0);
        for (const duplex::MetricSeries& s : f.series) {
            std::uint64_t run = 0;
            for (std::size_t i = 0; i < s.buckets.size() && i < cumulative.size(); ++i) {
                run += s.buckets[i];
                cumulative[i] += run;
            }
        }
        latency["buckets"] = cumulative;
    }
    return nlohmann::json{{"t", now_ms},
                          {"http_requests", snap.total("duplex_http_requests_total")},
                          {"http_open", snap.total("duplex_http_open_connections")},
                          {"ws_open", snap.total("duplex_ws_open_connections")},
                          {"ws_messages", snap.total("duplex_ws_messages_total")},
                          {"latency", std::move(latency)}}
        .dump();
}

void serve_metrics_feed(duplex::Worker& w, duplex::App& app, const std::string& static_dir) {
    app.get("/dashboard", [page = static_dir + "/dashboard.html"](duplex::Request&, duplex::Response& res) {
        res.send_file(page);
    });
    app.ws("/metrics/live", {.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("metrics"); }});
    if (w.index() != 0) return;
    app.loop().set_interval(std::chrono::seconds(1), [&w] {
        w.collect_metrics([&w](duplex::MetricsSnapshot snap) {
            const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
            w.publish("metrics", feed_message(snap, static_cast<long long>(now)));
        });
    }, true);
}

}  // namespace demo
