// SlabPool: slot reuse, alignment, slab growth and the return of slabs once every slot is released.
#include "util/slab_pool.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <stdexcept>
#include <vector>

using duplex::detail::SlabPool;

TEST_SUITE("slab pool") {
TEST_CASE("slots are distinct, aligned, writable and reused most recent first") {
    SlabPool pool(296);
    CHECK(pool.slot_size() % alignof(std::max_align_t) == 0);
    CHECK(pool.slot_size() >= 296);
    std::set<void*> seen;
    std::vector<void*> slots;
    for (int i = 0; i < 100; ++i) {
        void* p = pool.allocate();
        CHECK(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0);
        std::memset(p, i, 296);  // the whole slot is ours (ASan reports an overlap or a poisoned byte)
        CHECK(seen.insert(p).second);
        slots.push_back(p);
    }
    CHECK(pool.slots_in_use() == 100);
    void* last = slots.back();
    pool.release(last);
    CHECK(pool.allocate() == last);
    for (void* p : slots) pool.release(p);
    CHECK(pool.slots_in_use() == 0);
}

TEST_CASE("grows by slabs and gives them back when the last slot is released") {
    SlabPool pool(200);
    const std::size_t per_slab = SlabPool::slab_bytes / pool.slot_size();
    std::vector<void*> slots;
    for (std::size_t i = 0; i < per_slab * 3 + 1; ++i) slots.push_back(pool.allocate());
    CHECK(pool.slabs() == 4);
    for (std::size_t i = 1; i < slots.size(); ++i) pool.release(slots[i]);
    CHECK(pool.slabs() == 4);  // one slot still in use: the peak is kept for reuse
    pool.release(slots[0]);
    CHECK(pool.slabs() == 0);
    CHECK(pool.slots_in_use() == 0);
    void* again = pool.allocate();  // usable after giving everything back
    CHECK(pool.slabs() == 1);
    pool.release(again);
    CHECK(pool.slabs() == 1);  // a single slab is kept between connections
}

TEST_CASE("tiny and huge slot sizes") {
    SlabPool tiny(1);
    CHECK(tiny.slot_size() >= sizeof(void*));
    void* a = tiny.allocate();
    void* b = tiny.allocate();
    CHECK(a != b);
    tiny.release(a);
    tiny.release(b);
    tiny.release(nullptr);
    CHECK_THROWS_AS(SlabPool(SlabPool::slab_bytes + 1), std::invalid_argument);
}
}
