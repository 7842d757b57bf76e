// OpenSSL's error queue as text, for the loud failures of listen() and the reasons a client's onerror gives.
// Threads: any (the queue is per thread).
#pragma once

#include <string>

namespace duplex::detail::tls {

// The reasons queued on this thread, oldest first, joined with ": " (the queue is emptied), or `fallback`.
std::string take_errors(const char* fallback = "unknown error");

}  // namespace duplex::detail::tls
