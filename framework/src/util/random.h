#pragma once
// Cryptographically strong random bytes from OpenSSL's RAND_bytes (a CSPRNG seeded by the OS).
//
// WebSocket clients need a fresh, unpredictable 4-byte mask key for every frame (RFC 6455 section 5.3). Calling
// RAND_bytes per frame costs a lock and a DRBG call each time, so RandomPool draws 4 KiB at once and hands out slices:
// one RAND_bytes call per 1024 frames, with the same strength since every slice is fresh CSPRNG output used once.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace duplex::detail {

// Fills `n` bytes at `dst`. False if the CSPRNG failed (it is then unsafe to go on: fail the connection).
// Any thread.
[[nodiscard]] bool fill_random(void* dst, std::size_t n);

using MaskKey = std::array<std::uint8_t, 4>;

// A buffer of CSPRNG output handed out in slices. Not thread-safe: one per loop thread (see thread_random_pool).
// Lives as long as its owner; the buffer is drawn lazily, so an unused pool costs no RAND_bytes call.
// A process that forks after using a pool must not use the child's copy: both would hand out the same bytes.
class RandomPool {
public:
    // The next 4 unused bytes, or std::nullopt if refilling from the CSPRNG failed.
    std::optional<MaskKey> mask_key();

private:
    static constexpr std::size_t kSize = 4096;
    std::array<std::uint8_t, kSize> buffer_{};
    std::size_t next_ = kSize;  // all consumed: the first call draws
};

// The calling thread's pool (thread_local), for frame writers that run on a loop thread.
RandomPool& thread_random_pool();

}  // namespace duplex::detail
