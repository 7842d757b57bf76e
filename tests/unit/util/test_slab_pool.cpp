// SlabPool: slot reuse, alignment, slab growth, release by address alone, the return of slabs once every slot
// is released, a retired pool outliving its owner, and the stateless allocator std::allocate_shared uses.
#include "util/slab_pool.h"

#include "../support/allocation_count.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using duplex::detail::SlabAllocator;
using duplex::detail::SlabPool;
using duplex::detail::thread_slab_pool;

namespace {
// Pools are let go with retire(), never deleted by their owner: this owner does it for a test's scope.
struct Owned {
    SlabPool* pool;
    Owned(std::size_t size, std::size_t align) : pool(new SlabPool(size, align)) {}
    ~Owned() { SlabPool::retire(pool); }
    SlabPool* operator->() const { return pool; }
};
}  // namespace

TEST_SUITE("slab pool") {
TEST_CASE("slots are distinct, aligned, writable and reused most recent first") {
    Owned pool(296, 16);
    CHECK(pool->slot_size() % 16 == 0);
    CHECK(pool->slot_size() >= 296);
    std::set<void*> seen;
    std::vector<void*> slots;
    for (int i = 0; i < 100; ++i) {
        void* p = pool->allocate();
        CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
        std::memset(p, i, 296);  // the whole slot is ours (ASan reports an overlap or a poisoned byte)
        CHECK(seen.insert(p).second);
        slots.push_back(p);
    }
    CHECK(pool->slots_in_use() == 100);
    void* last = slots.back();
    SlabPool::release(last);  // the address alone finds the pool
    CHECK(pool->allocate() == last);
    for (void* p : slots) SlabPool::release(p);
    CHECK(pool->slots_in_use() == 0);
}

TEST_CASE("slot size follows the alignment asked for") {
    CHECK(SlabPool::rounded_slot_size(296, 8) == 296);
    CHECK(SlabPool::rounded_slot_size(296, 16) == 304);
    CHECK(SlabPool::rounded_slot_size(1, 1) == sizeof(void*));
    Owned packed(168, 8);
    CHECK(packed->slot_size() == 168);
    CHECK(packed->slots_per_slab() == (SlabPool::slab_bytes - 8) / 168);  // the slab's header takes 8 bytes
    CHECK_THROWS_AS((void)new SlabPool(64, 128), std::invalid_argument);
    CHECK_THROWS_AS((void)new SlabPool(64, 24), std::invalid_argument);
}

TEST_CASE("grows by slabs and gives them back when the last slot is released") {
    Owned pool(200, 8);
    const std::size_t per_slab = pool->slots_per_slab();
    std::vector<void*> slots;
    for (std::size_t i = 0; i < per_slab * 3 + 1; ++i) slots.push_back(pool->allocate());
    CHECK(pool->slabs() == 4);
    for (std::size_t i = 1; i < slots.size(); ++i) SlabPool::release(slots[i]);
    CHECK(pool->slabs() == 4);  // one slot still in use: the peak is kept for reuse
    SlabPool::release(slots[0]);
    CHECK(pool->slabs() == 0);
    CHECK(pool->slots_in_use() == 0);
    void* again = pool->allocate();  // usable after giving everything back
    CHECK(pool->slabs() == 1);
    SlabPool::release(again);
    CHECK(pool->slabs() == 1);  // a single slab is kept between connections
}

TEST_CASE("tiny and huge slot sizes") {
    Owned tiny(1, 1);
    CHECK(tiny->slot_size() >= sizeof(void*));
    void* a = tiny->allocate();
    void* b = tiny->allocate();
    CHECK(a != b);
    SlabPool::release(a);
    SlabPool::release(b);
    SlabPool::release(nullptr);
    CHECK_THROWS_AS((void)new SlabPool(SlabPool::slab_bytes, 8), std::invalid_argument);  // no room beside the header
}

TEST_CASE("a retired pool lives until its last slot comes back") {
    testing_support::AllocationScope heap;
    auto* pool = new SlabPool(64, 8);
    void* kept = pool->allocate();
    std::memset(kept, 1, 64);
    const std::int64_t live_with_pool = heap.now().live;
    CHECK(live_with_pool >= 1);    // the pool object (and its list of slabs)
    SlabPool::retire(pool);        // the owner is gone; the slot is still in use
    CHECK(heap.now().live == live_with_pool);  // so the pool is not deleted
    CHECK(pool->slots_in_use() == 1);
    CHECK(pool->slabs() == 1);
    std::memset(kept, 2, 64);      // and the slot still ours (ASan would report a freed slab)
    CHECK(static_cast<unsigned char*>(kept)[63] == 2);
    SlabPool::release(kept);       // the pool deletes itself here
    CHECK(heap.now().live == 0);   // everything it allocated is gone (LSan would report it otherwise too)
    SlabPool::retire(nullptr);
    CHECK(heap.now().live == 0);
}

TEST_CASE("allocate_shared puts the object and its control block in one slot of the thread's pool") {
    struct Thing {
        std::uint64_t a[10];
    };
    // The control block adds its vtable pointer and two counts, and no allocator: SlabAllocator is stateless.
    SlabPool& pool = thread_slab_pool(sizeof(Thing) + 16, alignof(Thing));
    const std::size_t before = pool.slots_in_use();
    std::weak_ptr<Thing> weak;
    {
        auto p = std::allocate_shared<Thing>(SlabAllocator<Thing>());
        p->a[9] = 7;
        weak = p;
        CHECK(pool.slots_in_use() == before + 1);
    }
    CHECK(weak.expired());
    CHECK(pool.slots_in_use() == before + 1);  // the block stays while a weak reference does
    weak.reset();
    CHECK(pool.slots_in_use() == before);
}

TEST_CASE("each thread has its own pools, and a thread's exit retires them") {
    SlabPool* main_pool = &thread_slab_pool(72, 8);
    SlabPool* other = nullptr;
    void* outlives = nullptr;
    std::thread t([&] {
        other = &thread_slab_pool(72, 8);
        outlives = other->allocate();
    });
    t.join();
    CHECK(other != main_pool);
    std::memset(outlives, 3, 72);  // the exited thread's pool was retired, not deleted: the slot is valid
    SlabPool::release(outlives);   // and this deletes it
    CHECK(&thread_slab_pool(72, 8) == main_pool);
}
}
