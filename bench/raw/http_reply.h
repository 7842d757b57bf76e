// The raw server's HTTP side: every complete request head gets the same small JSON response, in order, so
// keep-alive and pipelining work. It is the ceiling for one core: no routing, no parsing beyond finding "\r\n\r\n".
//
// Pure function: any thread, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace raw {

// Appends one response to out per complete request head in `in`; returns how many bytes of `in` were used.
// Request bodies are not supported (GET only), which is all a GET benchmark sends.
std::size_t answer_requests(std::string_view in, std::string& out);

}  // namespace raw
