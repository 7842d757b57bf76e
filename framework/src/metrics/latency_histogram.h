// LatencyHistogram: fixed buckets in nanoseconds for the per-request path (integer compares, no allocation),
// reported in seconds with the same bounds for every server so that snapshots of several loops merge.
//
// Lifetime: a value inside the counters that own it. Threads: loop thread only.
#pragma once

#include "duplex/metrics.h"

#include <array>
#include <cstdint>
#include <vector>

namespace duplex::detail {

struct LatencyHistogram {
    // 25 us to 10 s: a hello answer takes tens of microseconds, a slow upstream seconds.
    static constexpr std::array<std::uint64_t, 18> bounds_ns{
        25'000,        50'000,        100'000,       250'000,     500'000,     1'000'000,
        2'500'000,     5'000'000,     10'000'000,    25'000'000,  50'000'000,  100'000'000,
        250'000'000,   500'000'000,   1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
    std::array<std::uint64_t, bounds_ns.size() + 1> counts{};
    std::uint64_t sum_ns = 0;

    void observe(std::uint64_t ns) {
        std::size_t i = 0;
        while (i < bounds_ns.size() && ns > bounds_ns[i]) ++i;
        ++counts[i];
        sum_ns += ns;
    }
    // The bounds in seconds.
    static std::vector<double> bounds_seconds();
    // Fills a histogram series of a family made with bounds_seconds().
    void fill(MetricSeries& s) const;
};

}  // namespace duplex::detail
