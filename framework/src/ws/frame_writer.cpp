#include "ws/frame_writer.h"

#include <algorithm>
#include <array>

namespace duplex::detail::ws {
namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv1_bit = 0x40;
constexpr std::uint8_t mask_bit = 0x80;

std::size_t length_field_size(std::uint64_t payload_size) noexcept {
    if (payload_size <= 125) return 0;
    return payload_size <= 0xFFFF ? 2 : 8;
}

}  // namespace

std::size_t frame_header_size(std::uint64_t payload_size, bool masked) noexcept {
    return 2 + length_field_size(payload_size) + (masked ? 4 : 0);
}

void append_frame_header(std::string& out, Opcode opcode, std::uint64_t payload_size, bool fin, bool rsv1,
                         const MaskKey* mask) {
    std::array<char, max_frame_header_size> header;
    std::size_t n = 0;
    // RSV1 means "compressed", which a control frame never is (RFC 7692 6.1): refused here, whatever the caller.
    const bool compressed = rsv1 && !is_control(opcode);
    header[n++] =
        static_cast<char>((fin ? fin_bit : 0) | (compressed ? rsv1_bit : 0) | static_cast<std::uint8_t>(opcode));
    const std::uint8_t masked = mask != nullptr ? mask_bit : 0;
    const std::size_t extended = length_field_size(payload_size);
    if (extended == 0) {
        header[n++] = static_cast<char>(masked | payload_size);
    } else {
        header[n++] = static_cast<char>(masked | (extended == 2 ? 126 : 127));
        // Extended lengths are big-endian (network order).
        for (std::size_t shift = extended * 8; shift != 0; shift -= 8)
            header[n++] = static_cast<char>((payload_size >> (shift - 8)) & 0xFF);
    }
    if (mask != nullptr)
        for (std::uint8_t byte : *mask) header[n++] = static_cast<char>(byte);
    out.append(header.data(), n);
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin, bool rsv1,
                  const MaskKey* mask) {
    // Grow once for header and payload, geometrically so that frames batched into one buffer stay
    // amortised O(1) on every standard library (a bare reserve may allocate the exact size).
    const std::size_t needed = out.size() + frame_header_size(payload.size(), mask != nullptr) + payload.size();
    if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
    append_frame_header(out, opcode, payload.size(), fin, rsv1, mask);
    if (mask == nullptr) {
        out.append(payload);
        return;
    }
    const std::size_t start = out.size();
    out.resize(start + payload.size());
    apply_mask(out.data() + start, payload.data(), payload.size(), *mask, 0);
}

}  // namespace duplex::detail::ws
