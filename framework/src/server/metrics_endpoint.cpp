// metrics_endpoint: a handler answering with a metrics snapshot as Prometheus text or JSON.
#include "duplex/metrics.h"
#include "duplex/response.h"

namespace duplex {

Handler metrics_endpoint(std::function<MetricsSnapshot()> source, MetricsFormat format) {
    return [source = std::move(source), format](Request&, Response& res) { send_metrics(res, source(), format); };
}

void send_metrics(Response& res, const MetricsSnapshot& snap, MetricsFormat format) {
    res.set("Cache-Control", "no-store");
    if (format == MetricsFormat::json) res.type("application/json").send(snap.json());
    else res.type("text/plain; version=0.0.4; charset=utf-8").send(snap.prometheus());
}

}  // namespace duplex
