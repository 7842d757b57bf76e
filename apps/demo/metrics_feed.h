// The dashboard's live feed: the demo publishes a summary of its metrics to the "metrics" topic once a second,
// and /metrics/live (a WebSocket on the HTTP port) subscribes the dashboard page to it.
#pragma once

#include <duplex/app.h>
#include <duplex/cluster.h>
#include <duplex/metrics.h>

#include <string>

namespace demo {

// Mounts /dashboard (the page, static/dashboard.html) and /metrics/live on app; thread 0 also starts the
// once-a-second publisher (an unref'd timer: it never keeps the loop alive), which sums every thread's metrics
// and publishes to every thread's /metrics/live subscribers.
void serve_metrics_feed(duplex::Worker& w, duplex::App& app, const std::string& static_dir);

// One feed message: {"t": ms since the epoch, "http_requests", "http_open", "ws_open", "ws_messages",
// "latency": {"bounds": [seconds...], "buckets": [cumulative counts..., +Inf]}}; rates are the page's to compute
// from two messages.
std::string feed_message(const duplex::MetricsSnapshot& snap, long long now_ms);

}  // namespace demo
