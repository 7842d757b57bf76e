// What a serve_static middleware's file cache holds and how requests fared against it, for tests and diagnostics.
// Threads: call on the loop thread that serves through the middleware.
#pragma once

#include "duplex/router.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace duplex::detail::static_files {

struct CacheStats {
    std::size_t entries = 0;     // files remembered
    std::size_t body_bytes = 0;  // bytes of their bodies kept in memory
    std::uint64_t hits = 0;      // requests answered from an entry found still current
    std::uint64_t misses = 0;    // requests that looked the path up on disk (no entry, or a stale one)
    std::uint64_t stale = 0;     // entries dropped because their path led to another version
};

// The statistics of a middleware made by serve_static(); nullopt for any other.
std::optional<CacheStats> cache_stats(const Middleware& middleware);

}  // namespace duplex::detail::static_files
