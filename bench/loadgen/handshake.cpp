#include "handshake.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>

namespace loadgen {

namespace {

constexpr std::string_view ws_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t max_head = 8192;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[i]) != prefix[i]) return false;
    return true;
}

// Value of the header named `name` (lower case, with its colon) in a response head, trimmed; empty when absent.
std::string_view header_value(std::string_view head, std::string_view name) {
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t line_start = pos + 2;
        const std::size_t line_end = head.find("\r\n", line_start);
        const std::string_view line = head.substr(line_start, line_end - line_start);
        if (starts_with_ci(line, name)) {
            std::string_view value = line.substr(name.size());
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
            return value;
        }
        pos = line_end;
    }
    return {};
}

}  // namespace

HandshakeKeys make_handshake_keys(std::uint64_t seed) {
    // splitmix64: cheap, and distinct seeds give distinct keys, which is all a test client needs.
    unsigned char raw[16];
    for (int half = 0; half < 2; ++half) {
        std::uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        std::memcpy(raw + 8 * half, &z, 8);
    }
    HandshakeKeys keys;
    unsigned char encoded[32];
    EVP_EncodeBlock(encoded, raw, sizeof raw);
    std::memcpy(keys.key.data(), encoded, keys.key.size());

    unsigned char concat[24 + ws_guid.size()];
    std::memcpy(concat, keys.key.data(), keys.key.size());
    std::memcpy(concat + keys.key.size(), ws_guid.data(), ws_guid.size());
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(concat, sizeof concat, digest);
    EVP_EncodeBlock(encoded, digest, sizeof digest);
    std::memcpy(keys.accept.data(), encoded, keys.accept.size());
    return keys;
}

void append_upgrade_request(std::string& out, std::string_view host, std::string_view path, const HandshakeKeys& keys) {
    out.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    out.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    out.append(keys.key.data(), keys.key.size());
    out.append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
}

HandshakeResult check_upgrade_response(std::string_view data, const HandshakeKeys& keys, std::size_t& head_size) {
    const std::size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return data.size() > max_head ? HandshakeResult::rejected : HandshakeResult::need_more;
    const std::string_view head = data.substr(0, end + 2);
    if (!head.starts_with("HTTP/1.1 101")) return HandshakeResult::rejected;
    const std::string_view accept = header_value(head, "sec-websocket-accept:");
    if (accept != std::string_view(keys.accept.data(), keys.accept.size())) return HandshakeResult::rejected;
    head_size = end + 4;
    return HandshakeResult::accepted;
}

}  // namespace loadgen
