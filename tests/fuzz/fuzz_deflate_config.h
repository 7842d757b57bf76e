// Shared by the handshake fuzz targets: one input byte read as a permessage-deflate configuration, so every
// combination of the extension's four parameters is reachable.
#pragma once

#include <cstdint>

#include "ws/permessage_deflate.h"

// Bit 0: enabled; bits 1, 2: server / client no_context_takeover; bits 3-5 and 5-7: the window bits (8 to 15).
inline duplex::detail::ws::DeflateConfig pick_deflate_config(std::uint8_t bits) {
    duplex::detail::ws::DeflateConfig config;
    config.enabled = (bits & 1) != 0;
    config.server_no_context_takeover = (bits & 2) != 0;
    config.client_no_context_takeover = (bits & 4) != 0;
    config.server_max_window_bits = static_cast<std::uint8_t>(8 + (bits >> 3) % 8);
    config.client_max_window_bits = static_cast<std::uint8_t>(15 - (bits >> 5) % 8);
    return config;
}
