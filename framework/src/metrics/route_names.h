// Route names: every route pattern (with the prefixes of the routers it is mounted under) gets a small number, so
// that a request carries "which route answered" as one integer and the counters index an array with it: bounded
// cardinality (patterns, never raw paths) and no string work per request.
//
// Process-wide. Threads: any (a lock guards the table; it is taken when routes are registered, when a mounted
// router is first reached through a given parent, and when names are read, never per request otherwise).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace duplex::detail {

// 0 is "no route" (404, automatic OPTIONS); ids are never reused.
std::uint32_t route_id(std::string_view pattern);
// The pattern of an id ("" for 0 or an unknown id).
std::string route_name(std::uint32_t id);
// The id of prefix's pattern followed by own's ("/api" + "/hello/:name" = "/api/hello/:name").
std::uint32_t route_join(std::uint32_t prefix, std::uint32_t own);

// A mount's memo of its last join (prefix -> joined): a router mounted once is reached through one parent, so
// after the first request this is one relaxed load. Copyable so that it can sit in a vector of layers.
class RouteJoinCache {
public:
    RouteJoinCache() = default;
    RouteJoinCache(const RouteJoinCache& o) : memo_(o.memo_.load(std::memory_order_relaxed)) {}
    RouteJoinCache& operator=(const RouteJoinCache& o) {
        memo_.store(o.memo_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        return *this;
    }
    std::uint32_t join(std::uint32_t prefix, std::uint32_t own) const {
        const std::uint64_t m = memo_.load(std::memory_order_relaxed);
        if (m != 0 && static_cast<std::uint32_t>(m >> 32) == prefix) return static_cast<std::uint32_t>(m);
        const std::uint32_t joined = route_join(prefix, own);
        memo_.store((std::uint64_t{prefix} << 32) | joined, std::memory_order_relaxed);
        return joined;
    }

private:
    mutable std::atomic<std::uint64_t> memo_{0};  // prefix << 32 | joined; 0: empty (joined ids are never 0)
};

}  // namespace duplex::detail
