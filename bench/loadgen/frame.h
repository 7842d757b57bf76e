// WebSocket frames as the load generator needs them: masked client frames out, unmasked server frames in.
//
// Pure functions: any thread, no I/O, no allocation beyond growing the caller's output string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

enum Opcode : std::uint8_t {
    op_continuation = 0x0,
    op_text = 0x1,
    op_binary = 0x2,
    op_close = 0x8,
    op_ping = 0x9,
    op_pong = 0xA,
};

// Appends one final (FIN) client frame: header, the 4-byte masking key, then the payload XORed with it (RFC 6455 5.3).
void append_masked_frame(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask_key);

struct ServerFrame {
    bool fin = false;
    std::uint8_t opcode = 0;
    std::string_view payload;  // points into the parsed bytes
    std::size_t size = 0;      // header + payload: how many bytes this frame used
};

enum class ParseResult { complete, need_more, protocol_error };

// Parses the frame at the start of data. Servers never mask and we negotiate no extension, so a mask bit, an RSV bit,
// an unknown opcode, a fragmented or oversized control frame, or a payload above max_payload is a protocol error.
ParseResult parse_server_frame(std::string_view data, std::uint64_t max_payload, ServerFrame& frame);

}  // namespace loadgen
