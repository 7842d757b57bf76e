// The process-wide logger behind duplex/log.h: a level, a sink, and the default sink (one line to stderr).
#include "duplex/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <unistd.h>

namespace duplex {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};

struct SinkSlot {
    std::mutex mutex;
    LogSink sink;
};

SinkSlot& slot() {
    static SinkSlot* s = new SinkSlot;  // never destroyed: static objects may still log from their destructors
    return *s;
}

// "2026-12-03T10:08:01.123Z error duplex: ...\n" in one write(), so lines of several threads never interleave.
void write_default(LogLevel level, std::string_view message) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm utc{};
    gmtime_r(&ts.tv_sec, &utc);
    char stamp[40];
    const int n = std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ", utc.tm_year + 1900,
                                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                                ts.tv_nsec / 1000000, log_level_name(level).data());
    std::string line(stamp, static_cast<std::size_t>(n > 0 ? n : 0));
    line.append(message);
    line.push_back('\n');
    for (std::size_t off = 0; off < line.size();) {
        const ssize_t w = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
        if (w <= 0) break;  // stderr closed or full: a log line is not worth blocking or failing for
        off += static_cast<std::size_t>(w);
    }
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
    switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    }
    return "info";
}

void set_log_sink(LogSink sink) {
    SinkSlot& s = slot();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.sink = std::move(sink);
}

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

LogLevel log_level() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void log(LogLevel level, std::string_view message) {
    if (!log_enabled(level)) return;
    SinkSlot& s = slot();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!s.sink) {
        write_default(level, message);
        return;
    }
    try {
        s.sink(level, message);
    } catch (...) {  // a sink that throws must not take the caller (often a libuv callback) down with it
    }
}

void logf(LogLevel level, const char* format, ...) {
    if (!log_enabled(level)) return;
    char small[512];
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const int n = std::vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n < 0) {
        va_end(again);
        return;
    }
    if (static_cast<std::size_t>(n) < sizeof small) {
        va_end(again);
        log(level, std::string_view(small, static_cast<std::size_t>(n)));
        return;
    }
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::vsnprintf(big.data(), big.size(), format, again);
    va_end(again);
    big.resize(static_cast<std::size_t>(n));
    log(level, big);
}

}  // namespace duplex
