// The dashboard's live feed: the demo publishes a summary of its metrics to the "metrics" topic once a second,
// and /metrics/live (a WebSocket on the HTTP port) subscribes the dashboard page to it.
#pragma once

#include <duplex/app.h>
#include <duplex/metrics.h>

#include <functional>
#include <string>

namespace demo {

// Mounts /dashboard (the page, static/dashboard.html) and /metrics/live on app, and starts the once-a-second
// publisher on app's loop (an unref'd timer: it never keeps the loop alive). metrics runs on the loop thread.
void serve_metrics_feed(duplex::App& app, const std::string& static_dir,
                        std::function<duplex::MetricsSnapshot()> metrics);

// One feed message: {"t": ms since the epoch, "http_requests", "http_open", "ws_open", "ws_messages",
// "latency": {"bounds": [seconds...], "buckets": [cumulative counts..., +Inf]}}; rates are the page's to compute
// from two messages.
std::string feed_message(const duplex::MetricsSnapshot& snap, long long now_ms);

}  // namespace demo
