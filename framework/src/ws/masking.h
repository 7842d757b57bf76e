// RFC 6455 5.3 payload masking, shared by the frame writer (mask while copying) and the frame parser
// (unmask in place). Pure functions: any thread, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace duplex::detail::ws {

// The 4-byte masking key, in wire order.
using MaskKey = std::array<std::uint8_t, 4>;

// Writes src[i] XOR key[(phase + i) % 4] to dst[i] for i < size and returns the phase for the bytes that
// follow, so a payload split across reads is unmasked piece by piece. dst may equal src (in place);
// other overlaps are not allowed.
std::size_t apply_mask(char* dst, const char* src, std::size_t size, const MaskKey& key,
                       std::size_t phase) noexcept;

}  // namespace duplex::detail::ws
