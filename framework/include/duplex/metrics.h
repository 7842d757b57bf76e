/// @file
/// Metrics: counters, gauges and fixed-bucket histograms, a snapshot of them that merges with other snapshots, and
/// its Prometheus text and JSON forms.
///
/// Every App and WsServer keeps a MetricsRegistry (App::metrics(), WsServer::metrics()) with the built-in HTTP and
/// WebSocket metrics; add your own to it. Counting is plain integer arithmetic on the loop thread (no atomics,
/// locks, allocations or lookups per request): a Counter& obtained once is bumped directly. Reading builds a
/// MetricsSnapshot, a plain value; with one App per loop thread, take each loop's snapshot on its thread (post)
/// and merge() them: counters, gauges and histograms of the same name and labels are summed.
///
/// Lifetime: a registry lives as long as its App / WsServer; Counter, Gauge and Histogram references stay valid as
/// long as their registry. Threads: a registry and its metrics belong to the loop thread of their server;
/// MetricsSnapshot is a value type usable on any thread.
#pragma once

#include "duplex/router.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex {

/// Label names and values of one series, e.g. {{"method", "GET"}, {"route", "/api/hello/:name"}}. Fixed when the
/// series is created: never put unbounded values (raw paths, ids) in labels.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// The three kinds of metric.
enum class MetricType {
    counter,   ///< only goes up (requests served)
    gauge,     ///< goes up and down (open connections)
    histogram  ///< counts of observations per bucket, plus their sum (latency)
};

/// One labelled series of a family in a snapshot.
struct MetricSeries {
    MetricLabels labels;                 ///< its labels
    double value = 0;                    ///< counter and gauge value
    std::vector<std::uint64_t> buckets;  ///< histogram: observations per bucket (not cumulative), the last is +Inf
    double sum = 0;                      ///< histogram: sum of the observed values
    std::uint64_t count = 0;             ///< histogram: number of observations
};

/// A named metric and all its series in a snapshot.
struct MetricFamily {
    std::string name;            ///< Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)
    std::string help;            ///< one line
    MetricType type = MetricType::counter;  ///< its kind
    std::vector<double> bounds;  ///< histogram: upper bounds of the finite buckets, ascending
    std::vector<MetricSeries> series;  ///< one per distinct label set

    /// The series with exactly these labels, added (zero) when absent.
    MetricSeries& at(const MetricLabels& labels);
};

/// Metrics read at one moment: plain data, mergeable, printable.
struct MetricsSnapshot {
    std::vector<MetricFamily> families;  ///< in the order they were added

    /// The family called name, added (empty) when absent.
    MetricFamily& family(std::string_view name, std::string_view help, MetricType type,
                         const std::vector<double>& bounds = {});
    /// The series name{labels}, or null.
    const MetricSeries* find(std::string_view name, const MetricLabels& labels = {}) const;
    /// Counter or gauge value of name{labels}; for a histogram its count; 0 when absent.
    double value(std::string_view name, const MetricLabels& labels = {}) const;
    /// Sum of value() over every series of name whose labels include `having` (all series when empty).
    double total(std::string_view name, const MetricLabels& having = {}) const;
    /// Adds other into this one: same name and labels are summed, the rest appended. Histograms merge only with
    /// the same bounds (a mismatch keeps this side's series unchanged).
    void merge(const MetricsSnapshot& other);
    /// The Prometheus text exposition format (version 0.0.4).
    std::string prometheus() const;
    /// JSON: {"name": {"type", "help", "series": [{"labels": {...}, "value"} or {"labels", "buckets": [[le, n]...],
    /// "sum", "count"}]}} with cumulative buckets as in Prometheus.
    std::string json() const;
};

/// A counter a registry owns. Loop thread only.
class Counter {
public:
    /// Adds n.
    void inc(std::uint64_t n = 1) { value_ += n; }
    /// The current value.
    std::uint64_t value() const { return value_; }

private:
    std::uint64_t value_ = 0;
};

/// A gauge a registry owns. Loop thread only.
class Gauge {
public:
    /// Sets the value.
    void set(double v) { value_ = v; }
    /// Adds d (negative to decrease).
    void add(double d) { value_ += d; }
    /// The current value.
    double value() const { return value_; }

private:
    double value_ = 0;
};

/// A histogram with fixed bucket bounds, owned by a registry. Loop thread only.
class Histogram {
public:
    /// Buckets with these upper bounds (ascending) and +Inf.
    explicit Histogram(std::vector<double> bounds);
    /// Counts one observation.
    void observe(double v);
    /// The finite bucket bounds.
    const std::vector<double>& bounds() const { return bounds_; }
    /// Observations per bucket (not cumulative; the last is +Inf).
    const std::vector<std::uint64_t>& buckets() const { return buckets_; }
    /// Sum of observations.
    double sum() const { return sum_; }

private:
    std::vector<double> bounds_;
    std::vector<std::uint64_t> buckets_;
    double sum_ = 0;
};

/// Owns metrics and the collectors that add computed ones at read time. See the file comment for threads.
class MetricsRegistry {
public:
    /// Adds the family's series at snapshot time (built-in metrics are collectors).
    using Collector = std::function<void(MetricsSnapshot&)>;

    /// The counter name{labels}, created on first call; later calls with the same name and labels return it.
    /// Call at setup and keep the reference: the lookup is not meant for the per-request path.
    Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
    /// The gauge name{labels}, as counter().
    Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
    /// The histogram name{labels} with these bucket bounds, as counter().
    Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                         const MetricLabels& labels = {});
    /// Runs c at every snapshot().
    void add_collector(Collector c);
    /// Every metric now.
    MetricsSnapshot snapshot() const;

private:
    struct Entry {
        std::string name, help;
        MetricType type;
        MetricLabels labels;
        Counter* counter = nullptr;
        Gauge* gauge = nullptr;
        Histogram* histogram = nullptr;
    };
    Entry* find(std::string_view name, const MetricLabels& labels);
    std::deque<Counter> counters_;  // deques: references stay valid as metrics are added
    std::deque<Gauge> gauges_;
    std::deque<Histogram> histograms_;
    std::vector<Entry> entries_;
    std::vector<Collector> collectors_;
};

/// How metrics_endpoint() answers.
enum class MetricsFormat {
    prometheus,  ///< text/plain; version=0.0.4 (what Prometheus scrapes)
    json         ///< application/json, MetricsSnapshot::json()
};

/// A handler answering GET with source() in `format`, e.g.
/// `app.get("/metrics", duplex::metrics_endpoint([&] { return app.metrics().snapshot(); }));`.
/// source runs on the loop thread of the request.
Handler metrics_endpoint(std::function<MetricsSnapshot()> source, MetricsFormat format = MetricsFormat::prometheus);

/// Answers res with snap in `format` (what metrics_endpoint sends; for a snapshot gathered asynchronously, e.g. over a
/// Cluster's threads with Worker::collect_metrics). Loop thread of the request.
void send_metrics(Response& res, const MetricsSnapshot& snap, MetricsFormat format = MetricsFormat::prometheus);

}  // namespace duplex
