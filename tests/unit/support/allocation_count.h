// Allocation counting for unit tests that promise "no allocation" or "at most N bytes": the unit test binary
// replaces the global operator new and delete (allocation_count.cpp) and counts, per thread, the calls, the
// bytes asked for and the blocks still live. malloc() called directly (zlib, libuv) is not counted.
// Threads: each thread sees only its own counts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace testing_support {

struct AllocationCount {
    std::uint64_t calls = 0;  // operator new calls
    std::uint64_t bytes = 0;  // bytes they asked for
    std::int64_t live = 0;    // blocks allocated and not yet deleted
};

// Counts of this thread since it started.
AllocationCount allocations_on_this_thread();

// What this thread allocated since construction: Scope s; ...; CHECK(s.now().bytes < 4096);
class AllocationScope {
public:
    AllocationScope() : start_(allocations_on_this_thread()) {}
    AllocationCount now() const {
        const AllocationCount n = allocations_on_this_thread();
        return {n.calls - start_.calls, n.bytes - start_.bytes, n.live - start_.live};
    }

private:
    AllocationCount start_;
};

}  // namespace testing_support
