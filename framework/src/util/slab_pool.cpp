#include "util/slab_pool.h"

#include <algorithm>
#include <cstdlib>
#include <new>
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
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace duplex::detail {

namespace {
constexpr std::size_t align = alignof(std::max_align_t);
}

SlabPool::SlabPool(std::size_t slot_size)
    : slot_size_((std::max(slot_size, sizeof(FreeSlot)) + align - 1) / align * align),
      slots_per_slab_(slab_bytes / slot_size_) {
    if (slots_per_slab_ == 0) throw std::invalid_argument("SlabPool: slot larger than a slab");
}

SlabPool::~SlabPool() { free_slabs(); }

void SlabPool::add_slab() {
    slabs_.reserve(slabs_.size() + 1);  // may throw before anything changes
    auto* slab = static_cast<char*>(std::malloc(slots_per_slab_ * slot_size_));
    if (!slab) throw std::bad_alloc();
    slabs_.push_back(slab);
    // Threaded back to front, so the first allocations come from the start of the slab.
    for (std::size_t i = slots_per_slab_; i-- > 0;) {
        auto* slot = reinterpret_cast<FreeSlot*>(slab + i * slot_size_);
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
    auto* slot = static_cast<FreeSlot*>(p);
    slot->next = free_;
    free_ = slot;
    POISON(slot, slot_size_);
    // Back to the system after a peak; a single slab stays, so a server with one connection coming and
    // going does not allocate a slab each time.
    if (--in_use_ == 0 && slabs_.size() > 1) free_slabs();
}

void SlabPool::free_slabs() noexcept {
    for (void* slab : slabs_) {
        UNPOISON(slab, slots_per_slab_ * slot_size_);
        std::free(slab);
    }
    slabs_.clear();
    free_ = nullptr;
}

}  // namespace duplex::detail
