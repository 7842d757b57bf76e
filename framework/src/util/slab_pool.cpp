#include "util/slab_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#if defined(__SANITIZE_ADDRESS__)
#define DUPLEX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUPLEX_ASAN 1
#endif
#endif

#ifdef DUPLEX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#define LEAK_ROOT(p, n) __lsan_register_root_region(p, n)
#define NOT_LEAK_ROOT(p, n) __lsan_unregister_root_region(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define LEAK_ROOT(p, n) ((void)(p), (void)(n))
#define NOT_LEAK_ROOT(p, n) ((void)(p), (void)(n))
#endif

namespace duplex::detail {

namespace {

// What every slab starts with: slabs are aligned to their size, so a slot finds it by masking its address.
struct SlabHeader {
    SlabPool* pool;
};

constexpr std::size_t max_align = 64;

std::size_t round_up(std::size_t n, std::size_t align) { return (n + align - 1) / align * align; }

// A slab_bytes mapping aligned to slab_bytes: map twice the size, then unmap the slack on both sides.
void* map_aligned_slab() {
    const std::size_t span = 2 * SlabPool::slab_bytes;
    void* m = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(m);
    const std::uintptr_t aligned = round_up(start, SlabPool::slab_bytes);
    if (aligned > start) ::munmap(m, aligned - start);
    const std::uintptr_t end = aligned + SlabPool::slab_bytes;
    if (start + span > end) ::munmap(reinterpret_cast<void*>(end), start + span - end);
    return reinterpret_cast<void*>(aligned);
}

}  // namespace

std::size_t SlabPool::rounded_slot_size(std::size_t slot_size, std::size_t align) noexcept {
    return round_up(std::max(slot_size, sizeof(FreeSlot)), std::max(align, alignof(FreeSlot)));
}

SlabPool::SlabPool(std::size_t slot_size, std::size_t align)
    : slot_size_(rounded_slot_size(slot_size, align)), align_(std::max(align, alignof(FreeSlot))),
      first_slot_(round_up(sizeof(SlabHeader), align_)),
      slots_per_slab_(slot_size_ <= slab_bytes - first_slot_ ? (slab_bytes - first_slot_) / slot_size_ : 0) {
    if (align_ > max_align || (align_ & (align_ - 1)) != 0) throw std::invalid_argument("SlabPool: bad alignment");
    if (slots_per_slab_ == 0) throw std::invalid_argument("SlabPool: slot larger than a slab");
}

SlabPool::~SlabPool() { free_slabs(); }

void SlabPool::add_slab() {
    slabs_.reserve(slabs_.size() + 1);  // may throw before anything changes
    auto* slab = static_cast<char*>(map_aligned_slab());
    if (!slab) throw std::bad_alloc();
    slabs_.push_back(slab);
    reinterpret_cast<SlabHeader*>(slab)->pool = this;
    LEAK_ROOT(slab, slab_bytes);
    // Threaded back to front, so the first allocations come from the start of the slab.
    for (std::size_t i = slots_per_slab_; i-- > 0;) {
        auto* slot = reinterpret_cast<FreeSlot*>(slab + first_slot_ + i * slot_size_);
        slot->next = free_;
        free_ = slot;
        POISON(slot, slot_size_);
    }
}

void* SlabPool::allocate() {
    if (!free_) add_slab();
    FreeSlot* slot = free_;
    UNPOISON(slot, slot_size_);
    free_ = slot->next;
    ++in_use_;
    return slot;
}

void SlabPool::release(void* p) noexcept {
    if (!p) return;
    const auto slab = reinterpret_cast<std::uintptr_t>(p) & ~(std::uintptr_t{slab_bytes} - 1);
    reinterpret_cast<SlabHeader*>(slab)->pool->give_back(p);
}

void SlabPool::give_back(void* p) noexcept {
    auto* slot = static_cast<FreeSlot*>(p);
    slot->next = free_;
    free_ = slot;
    POISON(slot, slot_size_);
    if (--in_use_ > 0) return;
    if (retired_) {
        delete this;
        return;
    }
    // Back to the system after a peak; a single slab stays, so a server with one connection coming and
    // going does not map a slab each time.
    if (slabs_.size() > 1) free_slabs();
}

void SlabPool::retire(SlabPool* pool) noexcept {
    if (!pool) return;
    if (pool->in_use_ == 0) delete pool;
    else pool->retired_ = true;
}

void SlabPool::free_slabs() noexcept {
    for (void* slab : slabs_) {
        UNPOISON(slab, slab_bytes);
        NOT_LEAK_ROOT(slab, slab_bytes);
        ::munmap(slab, slab_bytes);
    }
    slabs_.clear();
    free_ = nullptr;
}

SlabPool& thread_slab_pool(std::size_t slot_size, std::size_t align) {
    struct Pools {
        std::vector<SlabPool*> list;
        ~Pools() {
            for (SlabPool* p : list) SlabPool::retire(p);
        }
    };
    thread_local Pools pools;
    const std::size_t size = SlabPool::rounded_slot_size(slot_size, align);
    for (SlabPool* p : pools.list)
        if (p->slot_size() == size && p->align() >= align) return *p;
    pools.list.reserve(pools.list.size() + 1);
    pools.list.push_back(new SlabPool(size, align));
    return *pools.list.back();
}

}  // namespace duplex::detail
