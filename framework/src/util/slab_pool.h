// SlabPool: fixed-size slots for the objects every connection carries, carved from 64 KiB slabs.
//
// Why not plain new: an idle WebSocket is mostly its Socket, and malloc interleaves those long-lived blocks
// with the short-lived ones of the HTTP upgrade that created them, leaving holes (measured: ~90 bytes per
// idle connection) plus a header per block. Slots of one size, packed in slabs, have neither.
//
// Memory: freed slots are reused most recently freed first; slabs go back to the system when the last slot
// is released (a server whose connections all closed holds nothing), otherwise they stay at the peak for
// reuse. Under AddressSanitizer a free slot is poisoned, so a use after release is still reported.
//
// Lifetime: owned by whoever hands out the slots (LoopCore); every slot must be released before it is
// destroyed. Threads: one thread at a time (the loop thread).
#pragma once

#include <cstddef>
#include <vector>

namespace duplex::detail {

class SlabPool {
public:
    // Slots of `slot_size` bytes aligned for any object whose alignment is at most alignof(std::max_align_t).
    explicit SlabPool(std::size_t slot_size);
    ~SlabPool();
    SlabPool(const SlabPool&) = delete;
    SlabPool& operator=(const SlabPool&) = delete;

    // An uninitialized slot; throws std::bad_alloc when no slab can be had.
    void* allocate();
    // Gives back a slot from allocate() (null is ignored).
    void release(void* slot) noexcept;

    std::size_t slot_size() const noexcept { return slot_size_; }
    std::size_t slots_in_use() const noexcept { return in_use_; }
    std::size_t slabs() const noexcept { return slabs_.size(); }

    static constexpr std::size_t slab_bytes = 64 * 1024;

private:
    struct FreeSlot {
        FreeSlot* next;
    };
    void add_slab();
    void free_slabs() noexcept;

    std::size_t slot_size_;
    std::size_t slots_per_slab_;
    FreeSlot* free_ = nullptr;
    std::vector<void*> slabs_;
    std::size_t in_use_ = 0;
};

}  // namespace duplex::detail
