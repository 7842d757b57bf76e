#include "frame.h"

#include <cstring>

namespace loadgen {

namespace {

// XORs 8 bytes at a time: the 16 KiB echo workload masks every payload, and this keeps that cost off the load core.
void mask_into(char* dst, std::string_view src, std::uint32_t key) {
    unsigned char key_bytes[4];
    std::memcpy(key_bytes, &key, 4);
    std::uint64_t wide;
    unsigned char wide_bytes[8];
    for (int i = 0; i < 8; ++i) wide_bytes[i] = key_bytes[i % 4];
    std::memcpy(&wide, wide_bytes, 8);
    std::size_t i = 0;
    for (; i + 8 <= src.size(); i += 8) {
        std::uint64_t chunk;
        std::memcpy(&chunk, src.data() + i, 8);
        chunk ^= wide;
        std::memcpy(dst + i, &chunk, 8);
    }
    for (; i < src.size(); ++i) dst[i] = static_cast<char>(src[i] ^ key_bytes[i % 4]);
}

bool known_opcode(std::uint8_t op) {
    return op <= op_binary || (op >= op_close && op <= op_pong);
}

}  // namespace

void append_masked_frame(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask_key) {
    const std::size_t len = payload.size();
    const std::size_t length_bytes = len < 126 ? 0 : (len <= 0xFFFF ? 2 : 8);
    const std::size_t start = out.size();
    out.resize(start + 2 + length_bytes + 4 + len);
    auto* p = reinterpret_cast<unsigned char*>(out.data() + start);
    *p++ = static_cast<unsigned char>(0x80 | opcode);
    if (length_bytes == 0) {
        *p++ = static_cast<unsigned char>(0x80 | len);
    } else {
        *p++ = static_cast<unsigned char>(0x80 | (length_bytes == 2 ? 126 : 127));
        for (std::size_t i = 0; i < length_bytes; ++i)
            *p++ = static_cast<unsigned char>(len >> (8 * (length_bytes - 1 - i)));
    }
    std::memcpy(p, &mask_key, 4);
    p += 4;
    mask_into(reinterpret_cast<char*>(p), payload, mask_key);
}

ParseResult parse_server_frame(std::string_view data, std::uint64_t max_payload, ServerFrame& frame) {
    if (data.size() < 2) return ParseResult::need_more;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const std::uint8_t opcode = p[0] & 0x0F;
    if ((p[0] & 0x70) != 0 || (p[1] & 0x80) != 0 || !known_opcode(opcode)) return ParseResult::protocol_error;
    const bool fin = (p[0] & 0x80) != 0;
    std::uint64_t len = p[1] & 0x7F;
    std::size_t header = 2;
    if (len >= 126) {
        const std::size_t length_bytes = len == 126 ? 2 : 8;
        if (data.size() < 2 + length_bytes) return ParseResult::need_more;
        len = 0;
        for (std::size_t i = 0; i < length_bytes; ++i) len = (len << 8) | p[2 + i];
        header += length_bytes;
    }
    if (opcode >= op_close && (len > 125 || !fin)) return ParseResult::protocol_error;
    if (len > max_payload) return ParseResult::protocol_error;
    if (data.size() - header < len) return ParseResult::need_more;
    frame.fin = fin;
    frame.opcode = opcode;
    frame.payload = data.substr(header, static_cast<std::size_t>(len));
    frame.size = header + static_cast<std::size_t>(len);
    return ParseResult::complete;
}

}  // namespace loadgen
