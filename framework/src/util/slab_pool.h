// SlabPool: fixed-size slots for the objects every connection carries (Socket, WsSession), carved from 64 KiB
// slabs mapped straight from the kernel.
//
// Why not plain new: an idle WebSocket is mostly its Socket and its session, and malloc interleaves those
// long-lived blocks with the short-lived ones of the HTTP upgrade that created them. The short-lived blocks'
// memory then stays pinned between long-lived neighbours after a burst of connections (measured: ~100 bytes
// per idle connection). Slots of one size, packed in slabs outside malloc's heap, leave that heap to
// short-lived blocks, and cost no malloc header.
//
// Each slab starts with a pointer to its pool, so a slot is released knowing only its address: allocators
// that use this (SlabAllocator) carry no state, and a std::allocate_shared control block stays as small as
// with make_shared.
//
// Memory: freed slots are reused most recently freed first; slabs go back to the system when the last slot is
// released (one slab stays for the next connection), otherwise they stay at the peak for reuse. Under
// AddressSanitizer a free slot is poisoned, so a use after release is still reported, and slabs are leak
// checker roots (what a live slot points to is not a leak).
//
// Lifetime: a pool is created with new and let go with retire(); it deletes itself then, or later when its
// last slot comes back (a WebSocket handle may keep a session's control block after its loop has gone).
// Threads: a pool is used by one thread at a time. thread_slab_pool() gives each thread its own.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace duplex::detail {

class SlabPool {
public:
    // Slots of at least `slot_size` bytes aligned to `align` (a power of two, at most 64).
    SlabPool(std::size_t slot_size, std::size_t align);
    SlabPool(const SlabPool&) = delete;
    SlabPool& operator=(const SlabPool&) = delete;

    // An uninitialized slot; throws std::bad_alloc when no slab can be had.
    void* allocate();
    // Gives back a slot from any pool's allocate() (null is ignored).
    static void release(void* slot) noexcept;
    // The owner lets go: the pool deletes itself now if no slot is out, else when the last one comes back.
    static void retire(SlabPool* pool) noexcept;

    // The slot size a pool made for (slot_size, align) has.
    static std::size_t rounded_slot_size(std::size_t slot_size, std::size_t align) noexcept;
    std::size_t slot_size() const noexcept { return slot_size_; }
    std::size_t align() const noexcept { return align_; }
    std::size_t slots_per_slab() const noexcept { return slots_per_slab_; }
    std::size_t slots_in_use() const noexcept { return in_use_; }
    std::size_t slabs() const noexcept { return slabs_.size(); }

    static constexpr std::size_t slab_bytes = 64 * 1024;

private:
    struct FreeSlot {
        FreeSlot* next;
    };
    ~SlabPool();
    void give_back(void* slot) noexcept;
    void add_slab();
    void free_slabs() noexcept;

    std::size_t slot_size_;
    std::size_t align_;
    std::size_t first_slot_;  // offset of the first slot: after the slab's header
    std::size_t slots_per_slab_;
    FreeSlot* free_ = nullptr;
    std::vector<void*> slabs_;
    std::size_t in_use_ = 0;
    bool retired_ = false;
};

// The calling thread's pool for objects of this size and alignment: created on first use, retired when the
// thread exits. Objects of one size share a pool whatever their type.
SlabPool& thread_slab_pool(std::size_t slot_size, std::size_t align);

// For std::allocate_shared: the object and its control block share one slot of the calling thread's pool.
// Stateless (the slab knows its pool), so the control block carries no allocator.
template <class T>
struct SlabAllocator {
    using value_type = T;
    SlabAllocator() = default;
    template <class U>
    SlabAllocator(const SlabAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n != 1) return std::allocator<T>().allocate(n);
        return static_cast<T*>(thread_slab_pool(sizeof(T), alignof(T)).allocate());
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n != 1) std::allocator<T>().deallocate(p, n);
        else SlabPool::release(p);
    }
    friend bool operator==(const SlabAllocator&, const SlabAllocator&) noexcept { return true; }
};

}  // namespace duplex::detail
