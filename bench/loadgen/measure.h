// What a run measures besides its own counters: the server's CPU time and resident memory from /proc, our own CPU
// time, and the wall-clock window they are taken over.
//
// Free functions do file I/O only and may run on any thread; a Window is a value owned by one mode on the main thread.
#pragma once

#include "json_line.h"

#include <chrono>
#include <cstdint>
#include <optional>

namespace loadgen {

// utime + stime of every thread of the process (fields 14 and 15 of /proc/PID/stat), in microseconds.
std::optional<std::uint64_t> process_cpu_us(int pid);
struct Memory {
    std::uint64_t rss = 0;   // VmRSS: every resident page, code and mapped files included
    std::uint64_t anon = 0;  // RssAnon: resident anonymous pages (heaps, stacks): what connections allocate
};
// From /proc/PID/status, in bytes.
std::optional<Memory> process_memory(int pid);
// user + system CPU time of this process, in microseconds.
std::uint64_t own_cpu_us();

class Window {
public:
    explicit Window(int server_pid) : server_pid_(server_pid) {}

    void begin();
    void end();
    double seconds() const;
    // Adds seconds, server_cpu_us, server_cpu_us_per_op, server_cpu_pct (of one core) and load_cpu_pct.
    void write(JsonLine& line, std::uint64_t operations) const;

private:
    int server_pid_;  // 0 when unknown: the server fields are then left out
    std::chrono::steady_clock::time_point start_, stop_;
    std::optional<std::uint64_t> server_start_, server_stop_;
    std::uint64_t own_start_ = 0, own_stop_ = 0;
};

}  // namespace loadgen
