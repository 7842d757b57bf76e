// What this test process uses, from /proc/self (servers and clients live in it together): resident memory
// and its peak, open file descriptors, CPU time, and the open-file limit. Stress tests sample them before and
// after a load to prove that memory returns near its baseline and that no descriptor leaks.
// Threads: any (each call reads /proc afresh).
#pragma once

#include <chrono>
#include <cstddef>

namespace testing_support {

using namespace std::chrono_literals;

// VmRSS of this process from /proc/self/status, in bytes (0 when unknown).
std::size_t rss_bytes();
// Raises the soft RLIMIT_NOFILE to at least `wanted` (bounded by the hard limit); true when it is there.
bool raise_fd_limit(std::size_t wanted);

// VmRSS in KiB after handing freed heap pages back to the kernel (malloc_trim): memory still in use, not
// memory the allocator keeps cached for later.
std::size_t trimmed_rss_kib();
// Bytes of heap in use (mallinfo2: allocated chunks and mappings, every arena), in KiB: what the program
// holds, whatever the allocator keeps cached or fragmented for later.
std::size_t heap_in_use_kib();
// VmHWM in KiB: the peak resident size since the last reset_peak_rss().
std::size_t peak_rss_kib();
// Restarts the VmHWM peak at the current size (writes "5" to /proc/self/clear_refs).
void reset_peak_rss();
// Entries of /proc/self/fd, excluding the directory handle used to count them.
int open_fd_count();
// CPU time (user + system) of every thread of the process, in milliseconds.
double process_cpu_ms();

// Waits (bounded) until the open descriptors are back to at most `limit`; returns the last count seen.
// Closes happen asynchronously on the server's loop thread, hence the wait.
int wait_fd_count_at_most(int limit, std::chrono::milliseconds bound = 5s);

// False in builds with AddressSanitizer: its quarantine and shadow memory make RSS meaningless as a measure
// of the program's own memory, so memory assertions are skipped there (LeakSanitizer checks leaks instead).
bool memory_figures_meaningful();

// What a stress test compares against after its load: resident memory and open descriptors before it.
struct MemoryBaseline {
    std::size_t rss_kib = 0;
    std::size_t heap_kib = 0;
    int fds = 0;
    static MemoryBaseline take();
};

}  // namespace testing_support
