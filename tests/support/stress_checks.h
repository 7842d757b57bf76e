// Shared checks of the stress tests: wait for a condition with a bound, and assert that after a load the
// process is back to its baseline: every descriptor closed, resident memory near where it started.
// Threads: the test's. Header-only because it holds doctest assertions (integration executable only).
#pragma once

#include "support/proc_stats.h"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace testing_support {

// Polls pred every 10 ms until it holds or the bound passes; returns its last value.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds bound = 10s) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return pred();
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// Memory may stay this much above the baseline after a load. Why not zero: glibc keeps per-thread arenas and
// fragmented pages even after malloc_trim, and doctest keeps its records. A leak per connection is caught by
// LeakSanitizer in the ASan build, not by this coarse figure; this one catches buffers that are never given
// back (megabytes).
inline constexpr std::size_t rss_tolerance_kib = 8 * 1024;

// Starts measuring a load: the baseline now, and the peak restarted.
inline MemoryBaseline begin_load() {
    MemoryBaseline b = MemoryBaseline::take();
    reset_peak_rss();
    return b;
}

// After the load has left: no descriptor leaked, memory near the baseline; reports the figures.
inline void expect_back_to_baseline(const MemoryBaseline& base, const char* what) {
    std::size_t peak = peak_rss_kib();
    int fds = wait_fd_count_at_most(base.fds);
    std::size_t after = trimmed_rss_kib();
    MESSAGE(std::string(what) << ": baseline RSS " << base.rss_kib / 1024 << " MiB, peak " << peak / 1024 << " MiB, after "
                 << after / 1024 << " MiB; fds " << base.fds << " -> " << fds);
    CHECK(fds <= base.fds);
    if (memory_figures_meaningful()) CHECK(after <= base.rss_kib + rss_tolerance_kib);
}

}  // namespace testing_support
