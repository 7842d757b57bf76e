// Adding a field name to a response's Vary header without repeating it (middleware that make an answer depend
// on a request header: compression, CORS). Threads: loop thread only.
#pragma once

#include "http/exchange.h"

#include <string_view>

namespace duplex::detail {

/// Adds `field` to Vary unless it is already listed (case-insensitively) or Vary is "*". `field` is a field name
/// the caller spells as a constant: it is not checked again.
void add_vary(Exchange& ex, std::string_view field);

}  // namespace duplex::detail
