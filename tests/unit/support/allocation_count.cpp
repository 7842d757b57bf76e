// The replaced global allocation functions of the unit test binary (see allocation_count.h). Every form of
// operator new and delete is replaced, so each delete pairs with a counted new.
#include "allocation_count.h"

#include <cstdlib>
#include <new>

namespace testing_support {
namespace {

thread_local AllocationCount counts;

void* counted(std::size_t size, std::size_t align) {
    if (size == 0) size = 1;
    void* p = align <= alignof(std::max_align_t)
        ? std::malloc(size)
        : std::aligned_alloc(align, (size + align - 1) / align * align);  // aligned_alloc wants a multiple
    if (p) {
        ++counts.calls;
        counts.bytes += size;
        ++counts.live;
    }
    return p;
}

void* counted_or_throw(std::size_t size, std::size_t align) {
    void* p = counted(size, align);
    if (!p) throw std::bad_alloc();
    return p;
}

void uncounted(void* p) noexcept {
    if (!p) return;
    --counts.live;
    std::free(p);
}

}  // namespace

AllocationCount allocations_on_this_thread() { return counts; }

}  // namespace testing_support

using testing_support::counted;
using testing_support::counted_or_throw;
using testing_support::uncounted;

void* operator new(std::size_t n) { return counted_or_throw(n, 0); }
void* operator new[](std::size_t n) { return counted_or_throw(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }
void operator delete(void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { uncounted(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { uncounted(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { uncounted(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { uncounted(p); }
