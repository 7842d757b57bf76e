// How reused string buffers give memory back. A buffer kept between uses (a socket's queue, a per-thread
// scratch buffer, a reader's partial message) keeps its capacity so that the next use allocates nothing,
// but one huge message must not stay pinned: past a bound, the buffer is freed.
// Pure functions: any thread, on buffers the caller owns.
#pragma once

#include <cstddef>
#include <string>

namespace duplex::detail {

// The bound for per-thread scratch buffers (serialized replies, published frames, zlib output).
constexpr std::size_t scratch_keep_bytes = 1024 * 1024;

// Frees s's buffer when its capacity is above `limit`; otherwise leaves it as it is.
inline void release_if_over(std::string& s, std::size_t limit) {
    if (s.capacity() > limit) std::string().swap(s);
}

}  // namespace duplex::detail
