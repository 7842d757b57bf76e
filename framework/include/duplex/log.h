/// @file
/// duplex's logger: every message the library prints goes through here (never straight to stderr), at one of four
/// levels, to a replaceable sink. The default sink writes one line per event to stderr:
/// `2026-12-03T10:08:01.123Z warn  duplex: accept failed: too many open files`.
///
/// Lifetime: process-wide state, alive for the whole program. Threads: log() may be called from any thread; the
/// sink is called under a lock, one event at a time. set_log_sink() and set_log_level() may be called at any time
/// (typically once, before the loops start).
#pragma once

#include <functional>
#include <string_view>

namespace duplex {

/// How serious a log event is; a logger at level L writes events of level L and every more serious one.
enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

/// "error", "warn", "info" or "debug".
std::string_view log_level_name(LogLevel level);

/// Receives every event at or above the current level: its level and the message (no trailing newline).
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

/// Replaces the sink; an empty function restores the default (one line to stderr with timestamp and level).
void set_log_sink(LogSink sink);
/// Sets the most verbose level written (default LogLevel::info).
void set_log_level(LogLevel level);
/// The current level.
LogLevel log_level();
/// True when an event at `level` would be written (test it before building an expensive message).
bool log_enabled(LogLevel level);

/// Sends one event to the sink if its level is enabled.
void log(LogLevel level, std::string_view message);
/// printf-style log(): the message is formatted only when the level is enabled.
void logf(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace duplex
