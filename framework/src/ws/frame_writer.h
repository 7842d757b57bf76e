// Serialises RFC 6455 frames into a caller-owned buffer, for either role: servers pass no mask key,
// clients pass a fresh random key per frame (RFC 6455 5.3). Pure functions: any thread, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ws/masking.h"
#include "ws/ws_constants.h"

namespace duplex::detail::ws {

// Header bytes a frame with this payload size takes (lengths always use the shortest encoding).
std::size_t frame_header_size(std::uint64_t payload_size, bool masked) noexcept;

// Appends only the header; the caller appends payload_size bytes after it (already masked if mask is set).
// rsv1 marks a compressed data frame; it is ignored for control frames, which are never compressed (RFC 7692 6.1).
void append_frame_header(std::string& out, Opcode opcode, std::uint64_t payload_size, bool fin, bool rsv1,
                         const MaskKey* mask);

// Appends header and payload, masking the payload while copying when mask is not null. Grows `out` once.
void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin, bool rsv1,
                  const MaskKey* mask);

}  // namespace duplex::detail::ws
