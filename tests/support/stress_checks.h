// Shared checks of the stress tests: wait for a condition with a bound, and assert that after a load the
// process is back to its baseline: every descriptor closed, heap in use near where it started.
// Threads: the test's. Header-only because it holds doctest assertions (integration executable only).
#pragma once

#include "support/proc_stats.h"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <malloc.h>
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

// Heap in use may stay this much above the baseline after a load: containers that keep their capacity once
// grown (the server's session set and socket list, the test's own records) hold ~100 KiB after 2,000
// connections. A leak per connection is caught by LeakSanitizer in the ASan build; this catches buffers that
// are never given back. Resident memory is reported, not asserted: after earlier tests have grown and split
// the allocator's arenas, glibc may keep freed pages, which says nothing about the server.
inline constexpr std::size_t heap_tolerance_kib = 2 * 1024;

// Starts measuring a load: the baseline now, and the peak restarted. Buffers of 128 KiB and more are put in
// their own mappings (glibc otherwise raises that threshold after earlier tests freed 16 MiB messages), so
// that freeing them gives the memory back instead of leaving holes in the heap. Keep the test's own
// bookkeeping of the load in storage reserved before this call, for the same reason.
inline MemoryBaseline begin_load() {
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    MemoryBaseline b = MemoryBaseline::take();
    reset_peak_rss();
    return b;
}

// After the load has left: no descriptor leaked, heap in use back near the baseline; reports the figures.
inline void expect_back_to_baseline(const MemoryBaseline& base, const char* what) {
    std::size_t peak = peak_rss_kib();
    int fds = wait_fd_count_at_most(base.fds);
    std::size_t rss = trimmed_rss_kib(), heap = heap_in_use_kib();
    MESSAGE(std::string(what) << ": RSS baseline " << base.rss_kib / 1024 << " MiB, peak " << peak / 1024
                              << " MiB, after " << rss / 1024 << " MiB; heap in use " << base.heap_kib << " -> "
                              << heap << " KiB; fds " << base.fds << " -> " << fds);
    CHECK(fds <= base.fds);
    if (memory_figures_meaningful()) CHECK(heap <= base.heap_kib + heap_tolerance_kib);
}

}  // namespace testing_support
