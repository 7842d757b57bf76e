#include "ws_echo.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdint>
#include <cstring>

namespace raw {

namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t max_head = 8192;
constexpr std::uint64_t max_payload = 16u << 20;

bool equals_ci(std::string_view a, std::string_view lower_b) {
    if (a.size() != lower_b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_b[i]) return false;
    }
    return true;
}

std::string_view find_key(std::string_view head) {
    constexpr std::string_view name = "sec-websocket-key";
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = head.find("\r\n", start);
        const std::string_view line = head.substr(start, end - start);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && equals_ci(line.substr(0, colon), name)) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            return value;
        }
        pos = end;
    }
    return {};
}

// Unmasks 8 bytes at a time straight into the output buffer: the echo's only per-byte work.
void unmask_into(char* dst, const char* src, std::size_t len, const unsigned char key[4]) {
    unsigned char wide_bytes[8];
    for (int i = 0; i < 8; ++i) wide_bytes[i] = key[i % 4];
    std::uint64_t wide;
    std::memcpy(&wide, wide_bytes, 8);
    std::size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        std::uint64_t chunk;
        std::memcpy(&chunk, src + i, 8);
        chunk ^= wide;
        std::memcpy(dst + i, &chunk, 8);
    }
    for (; i < len; ++i) dst[i] = static_cast<char>(src[i] ^ key[i % 4]);
}

}  // namespace

UpgradeResult answer_upgrade(std::string_view in, std::string& out, std::size_t& used) {
    const std::size_t end = in.find("\r\n\r\n");
    if (end == std::string_view::npos) return in.size() > max_head ? UpgradeResult::rejected : UpgradeResult::need_more;
    const std::string_view key = find_key(in.substr(0, end + 2));
    if (key.empty() || key.size() > 64) return UpgradeResult::rejected;

    unsigned char concat[64 + guid.size()];
    std::memcpy(concat, key.data(), key.size());
    std::memcpy(concat + key.size(), guid.data(), guid.size());
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(concat, key.size() + guid.size(), digest);
    unsigned char accept[32];
    const int accept_len = EVP_EncodeBlock(accept, digest, sizeof digest);

    out.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: ");
    out.append(reinterpret_cast<const char*>(accept), static_cast<std::size_t>(accept_len));
    out.append("\r\n\r\n");
    used = end + 4;
    return UpgradeResult::upgraded;
}

EchoResult echo_frames(std::string_view in, std::string& out, std::size_t& used) {
    used = 0;
    while (in.size() - used >= 2) {
        const auto* p = reinterpret_cast<const unsigned char*>(in.data() + used);
        const std::size_t avail = in.size() - used;
        if ((p[1] & 0x80) == 0 || (p[0] & 0x70) != 0) return EchoResult::protocol_error;  // clients must mask
        std::uint64_t len = p[1] & 0x7F;
        std::size_t header = 2;
        if (len >= 126) {
            const std::size_t length_bytes = len == 126 ? 2 : 8;
            if (avail < 2 + length_bytes) break;
            len = 0;
            for (std::size_t i = 0; i < length_bytes; ++i) len = (len << 8) | p[2 + i];
            header += length_bytes;
        }
        if (len > max_payload) return EchoResult::protocol_error;
        if (avail < header + 4 + len) break;
        const unsigned char* key = p + header;
        const char* payload = reinterpret_cast<const char*>(p + header + 4);
        const auto n = static_cast<std::size_t>(len);
        const std::uint8_t opcode = p[0] & 0x0F;

        // Same FIN and opcode back, except a ping which becomes a pong; the length is written the way it came.
        const std::size_t start = out.size();
        out.resize(start + header + n);
        char* dst = out.data() + start;
        dst[0] = static_cast<char>(opcode == 0x9 ? ((p[0] & 0xF0) | 0xA) : p[0]);
        dst[1] = static_cast<char>(p[1] & 0x7F);
        std::memcpy(dst + 2, p + 2, header - 2);
        unmask_into(dst + header, payload, n, key);
        used += header + 4 + n;
        if (opcode == 0x8) return EchoResult::close;
    }
    return EchoResult::ok;
}

}  // namespace raw
