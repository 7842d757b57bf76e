// MetricsSnapshot: finding, merging and printing (Prometheus text, JSON) a set of metric families.
#include "duplex/metrics.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace duplex {

namespace {

bool has_labels(const MetricLabels& labels, const MetricLabels& wanted) {
    return std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) {
        return std::find(labels.begin(), labels.end(), w) != labels.end();
    });
}

std::string_view type_name(MetricType t) {
    switch (t) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
    }
    return "untyped";
}

// Prometheus numbers: the shortest text that reads back as the same double ("0.00025", "7", "1e+20").
void put_number(std::string& out, double v) {
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // the shortest form that reads back as v
    out.append(buf, r.ptr);
}

// Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
void put_escaped(std::string& out, std::string_view s, bool quote) {
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '"' && quote) out += "\\\"";
        else out += c;
    }
}

void put_labels(std::string& out, const MetricLabels& labels, std::string_view le = {}) {
    if (labels.empty() && le.empty()) return;
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k;
        out += "=\"";
        put_escaped(out, v, true);
        out += '"';
    }
    if (!le.empty()) {
        if (!first) out += ',';
        out += "le=\"";
        out += le;
        out += '"';
    }
    out += '}';
}

}  // namespace

MetricSeries& MetricFamily::at(const MetricLabels& labels) {
    for (MetricSeries& s : series)
        if (s.labels == labels) return s;
    MetricSeries& s = series.emplace_back();
    s.labels = labels;
    if (type == MetricType::histogram) s.buckets.assign(bounds.size() + 1, 0);
    return s;
}

MetricFamily& MetricsSnapshot::family(std::string_view name, std::string_view help, MetricType type,
                                      const std::vector<double>& bounds) {
    for (MetricFamily& f : families)
        if (f.name == name) return f;
    MetricFamily& f = families.emplace_back();
    f.name = name;
    f.help = help;
    f.type = type;
    f.bounds = bounds;
    return f;
}

const MetricSeries* MetricsSnapshot::find(std::string_view name, const MetricLabels& labels) const {
    for (const MetricFamily& f : families) {
        if (f.name != name) continue;
        for (const MetricSeries& s : f.series)
            if (s.labels == labels) return &s;
    }
    return nullptr;
}

double MetricsSnapshot::value(std::string_view name, const MetricLabels& labels) const {
    const MetricSeries* s = find(name, labels);
    if (!s) return 0;
    return s->buckets.empty() ? s->value : static_cast<double>(s->count);
}

double MetricsSnapshot::total(std::string_view name, const MetricLabels& having) const {
    double sum = 0;
    for (const MetricFamily& f : families) {
        if (f.name != name) continue;
        for (const MetricSeries& s : f.series)
            if (has_labels(s.labels, having)) sum += s.buckets.empty() ? s.value : static_cast<double>(s.count);
    }
    return sum;
}

void MetricsSnapshot::merge(const MetricsSnapshot& other) {
    for (const MetricFamily& of : other.families) {
        MetricFamily& f = family(of.name, of.help, of.type, of.bounds);
        if (f.type != of.type || f.bounds != of.bounds) continue;  // not the same metric: keep ours
        for (const MetricSeries& os : of.series) {
            MetricSeries& s = f.at(os.labels);
            s.value += os.value;
            s.sum += os.sum;
            s.count += os.count;
            for (std::size_t i = 0; i < s.buckets.size() && i < os.buckets.size(); ++i) s.buckets[i] += os.buckets[i];
        }
    }
}

std::string MetricsSnapshot::prometheus() const {
    std::string out;
    for (const MetricFamily& f : families) {
        out += "# HELP ";
        out += f.name;
        out += ' ';
        put_escaped(out, f.help, false);
        out += "\n# TYPE ";
        out += f.name;
        out += ' ';
        out += type_name(f.type);
        out += '\n';
        for (const MetricSeries& s : f.series) {
            if (f.type != MetricType::histogram) {
                out += f.name;
                put_labels(out, s.labels);
                out += ' ';
                put_number(out, s.value);
                out += '\n';
                continue;
            }
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < s.buckets.size(); ++i) {
                cumulative += s.buckets[i];
                std::string le;
                if (i < f.bounds.size()) put_number(le, f.bounds[i]);
                else le = "+Inf";
                out += f.name;
                out += "_bucket";
                put_labels(out, s.labels, le);
                out += ' ';
                put_number(out, static_cast<double>(cumulative));
                out += '\n';
            }
            out += f.name;
            out += "_sum";
            put_labels(out, s.labels);
            out += ' ';
            put_number(out, s.sum);
            out += '\n';
            out += f.name;
            out += "_count";
            put_labels(out, s.labels);
            out += ' ';
            put_number(out, static_cast<double>(s.count));
            out += '\n';
        }
    }
    return out;
}

std::string MetricsSnapshot::json() const {
    nlohmann::json doc = nlohmann::json::object();
    for (const MetricFamily& f : families) {
        nlohmann::json series = nlohmann::json::array();
        for (const MetricSeries& s : f.series) {
            nlohmann::json labels = nlohmann::json::object();
            for (const auto& [k, v] : s.labels) labels[k] = v;
            nlohmann::json one{{"labels", std::move(labels)}};
            if (f.type == MetricType::histogram) {
                nlohmann::json buckets = nlohmann::json::array();
                std::uint64_t cumulative = 0;
                for (std::size_t i = 0; i < s.buckets.size(); ++i) {
                    cumulative += s.buckets[i];
                    buckets.push_back({i < f.bounds.size() ? nlohmann::json(f.bounds[i]) : nlohmann::json("+Inf"),
                                       cumulative});
                }
                one["buckets"] = std::move(buckets);
                one["sum"] = s.sum;
                one["count"] = s.count;
            } else {
                one["value"] = s.value;
            }
            series.push_back(std::move(one));
        }
        doc[f.name] = {{"type", type_name(f.type)}, {"help", f.help}, {"series", std::move(series)}};
    }
    return doc.dump();
}

}  // namespace duplex
