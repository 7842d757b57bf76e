// The four load patterns, one file each, and the steps they share. Each run_* prints one JSON line on stdout and
// returns the process exit status (0 when every connection and message behaved as expected).
//
// Functions: main thread only; each owns its ClientLoop and every socket for the duration of the call.
#pragma once

#include "client_loop.h"
#include "json_line.h"
#include "options.h"

#include <cstdint>

namespace loadgen {

int run_echo(const Options& options);
int run_idle(const Options& options);
int run_connect(const Options& options);
int run_fanout(const Options& options);

// Makes `count` connection attempts and runs the loop until they all opened, one failed, or the setup timeout.
// Returns true when all opened.
bool open_connections(ClientLoop& loop, const Options& options, std::size_t count);

// Adds the fields every result starts with: mode, url path and connection count.
JsonLine result_line(const Options& options);

Clock::time_point seconds_from_now(double seconds);
std::uint64_t nanoseconds(Clock::duration d);

}  // namespace loadgen
