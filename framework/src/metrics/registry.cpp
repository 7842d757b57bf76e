// MetricsRegistry and Histogram: user metrics held in stable storage, read into a snapshot with the collectors'.
#include "duplex/metrics.h"

#include <algorithm>
#include <stdexcept>

namespace duplex {

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), buckets_(bounds_.size() + 1, 0) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end())) throw std::invalid_argument("histogram bounds not ascending");
}

void Histogram::observe(double v) {
    // Few buckets: a linear scan is as fast as a binary search and keeps the common small values first.
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    ++buckets_[i];
    sum_ += v;
}

MetricsRegistry::Entry* MetricsRegistry::find(std::string_view name, const MetricLabels& labels) {
    for (Entry& e : entries_)
        if (e.name == name && e.labels == labels) return &e;
    return nullptr;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
    if (Entry* e = find(name, labels)) {
        if (!e->counter) throw std::invalid_argument("metric '" + std::string(name) + "' is not a counter");
        return *e->counter;
    }
    Counter& c = counters_.emplace_back();
    entries_.push_back({std::string(name), std::string(help), MetricType::counter, labels, &c, nullptr, nullptr});
    return c;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
    if (Entry* e = find(name, labels)) {
        if (!e->gauge) throw std::invalid_argument("metric '" + std::string(name) + "' is not a gauge");
        return *e->gauge;
    }
    Gauge& g = gauges_.emplace_back();
    entries_.push_back({std::string(name), std::string(help), MetricType::gauge, labels, nullptr, &g, nullptr});
    return g;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                                      const MetricLabels& labels) {
    if (Entry* e = find(name, labels)) {
        if (!e->histogram || e->histogram->bounds() != bounds)
            throw std::invalid_argument("metric '" + std::string(name) + "' is not a histogram with these bounds");
        return *e->histogram;
    }
    Histogram& h = histograms_.emplace_back(std::move(bounds));
    entries_.push_back({std::string(name), std::string(help), MetricType::histogram, labels, nullptr, nullptr, &h});
    return h;
}

void MetricsRegistry::add_collector(Collector c) { collectors_.push_back(std::move(c)); }

MetricsSnapshot MetricsRegistry::snapshot() const {
    MetricsSnapshot snap;
    for (const Collector& c : collectors_) c(snap);
    for (const Entry& e : entries_) {
        MetricFamily& f = snap.family(e.name, e.help, e.type, e.histogram ? e.histogram->bounds() : std::vector<double>{});
        MetricSeries& s = f.at(e.labels);
        if (e.counter) s.value = static_cast<double>(e.counter->value());
        if (e.gauge) s.value = e.gauge->value();
        if (e.histogram) {
            s.buckets = e.histogram->buckets();
            s.sum = e.histogram->sum();
            s.count = 0;
            for (std::uint64_t n : s.buckets) s.count += n;
        }
    }
    return snap;
}

}  // namespace duplex
