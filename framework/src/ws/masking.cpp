#include "ws/masking.h"

#include <cstring>

namespace duplex::detail::ws {

std::size_t apply_mask(char* dst, const char* src, std::size_t size, const MaskKey& key,
                       std::size_t phase) noexcept {
    // The key repeated over eight bytes, starting at `phase`, in memory order: XORing whole words with it
    // is the same as XORing byte by byte, whatever the machine's endianness.
    std::array<std::uint8_t, 8> rotated;
    for (std::size_t i = 0; i < rotated.size(); ++i) rotated[i] = key[(phase + i) & 3];
    std::uint64_t key_word;
    std::memcpy(&key_word, rotated.data(), sizeof key_word);

    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, src + i, sizeof word);
        word ^= key_word;
        std::memcpy(dst + i, &word, sizeof word);
    }
    // i is a multiple of 8, so the tail starts at rotated[0] again.
    for (std::size_t j = 0; i < size; ++i, ++j) dst[i] = static_cast<char>(src[i] ^ rotated[j]);
    return (phase + size) & 3;
}

}  // namespace duplex::detail::ws
