#pragma once
// Saving a session when its response's head is written: the store call and the Set-Cookie line.
// Threads: the request's loop thread.

#include "http/exchange.h"

namespace duplex::detail {

// Runs from the exchange's on_headers hook. Never throws (a failure is logged; the response goes out regardless).
void save_session(Exchange& ex) noexcept;

}  // namespace duplex::detail
