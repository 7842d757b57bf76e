#include "support/ws_raw.h"

#include <atomic>

namespace testing_support {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left(Clock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return ms.count() < 0 ? std::chrono::milliseconds(0) : ms;
}

// Mask keys vary from frame to frame (predictability does not matter to a test, variety does: a key with
// zero bytes would leave parts of the payload unmasked and hide unmasking bugs).
std::uint32_t next_mask() {
    static std::atomic<std::uint32_t> state{0x9E3779B9u};
    std::uint32_t x = state.fetch_add(0x6D2B79F5u);
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x | 0x01010101u;
}

void append_be(std::string& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint64_t read_be(const std::string& s) {
    std::uint64_t v = 0;
    for (unsigned char c : s) v = (v << 8) | c;
    return v;
}

}  // namespace

std::string ws_frame(std::string_view payload, const FrameSpec& spec) {
    std::string out;
    out.push_back(static_cast<char>((spec.fin ? 0x80 : 0) | spec.rsv | spec.opcode));
    const std::uint64_t len = spec.declared_length.value_or(payload.size());
    const char mask_bit = spec.masked ? char(0x80) : char(0);
    if (len < 126) {
        out.push_back(static_cast<char>(mask_bit | static_cast<char>(len)));
    } else if (len <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126));
        append_be(out, len, 2);
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        append_be(out, len, 8);
    }
    if (!spec.masked) return out.append(payload);
    unsigned char key[4];
    const std::uint32_t k = next_mask();
    for (int i = 0; i < 4; ++i) key[i] = static_cast<unsigned char>(k >> (8 * i));
    out.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ key[i % 4]));
    return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string out;
    append_be(out, code, 2);
    return out.append(reason);
}

std::string upgrade_request(std::string_view target, std::string_view extra_headers, std::string_view key) {
    std::string r = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    r += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
    r += "Sec-WebSocket-Key: " + std::string(key) + "\r\n";
    r += extra_headers;
    return r + "\r\n";
}

std::uint16_t ServerFrame::close_code() const {
    if (payload.size() < 2) return 1005;
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
}

std::string ServerFrame::close_reason() const { return payload.size() > 2 ? payload.substr(2) : std::string(); }

WsRawClient::WsRawClient(int port) : raw_(port) {}

std::optional<HttpResponse> WsRawClient::handshake(std::string_view target, std::string_view extra_headers) {
    if (!raw_.connected() || !raw_.send(upgrade_request(target, extra_headers))) return std::nullopt;
    // A 101 has no body; error answers carry one, read it so it does not pass for frames.
    return raw_.read_response();
}

bool WsRawClient::open(std::string_view target, std::string_view extra_headers) {
    auto r = handshake(target, extra_headers);
    return r && r->status == 101;
}

bool WsRawClient::send(std::string_view bytes) { return raw_.send(std::string(bytes)); }

bool WsRawClient::send_frame(std::string_view payload, const FrameSpec& spec) {
    return raw_.send(ws_frame(payload, spec));
}

std::optional<ServerFrame> WsRawClient::read_frame(std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    auto head = raw_.recv_exact(2, bound);
    if (!head) return std::nullopt;
    const auto b0 = static_cast<unsigned char>((*head)[0]), b1 = static_cast<unsigned char>((*head)[1]);
    ServerFrame f;
    f.fin = (b0 & 0x80) != 0;
    f.rsv = static_cast<std::uint8_t>(b0 & 0x70);
    f.opcode = static_cast<std::uint8_t>(b0 & 0x0F);
    f.masked = (b1 & 0x80) != 0;
    std::uint64_t len = b1 & 0x7F;
    if (len >= 126) {
        auto ext = raw_.recv_exact(len == 126 ? 2 : 8, left(deadline));
        if (!ext) return std::nullopt;
        len = read_be(*ext);
    }
    std::string key;
    if (f.masked) {
        auto k = raw_.recv_exact(4, left(deadline));
        if (!k) return std::nullopt;
        key = *k;
    }
    auto body = raw_.recv_exact(static_cast<std::size_t>(len), left(deadline));
    if (!body) return std::nullopt;
    f.payload = std::move(*body);
    for (std::size_t i = 0; f.masked && i < f.payload.size(); ++i) f.payload[i] ^= key[i % 4];
    return f;
}

std::optional<ServerFrame> WsRawClient::read_close(std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (auto f = read_frame(left(deadline)))
        if (f->opcode == op::close) return f;
    return std::nullopt;
}

std::optional<std::string> WsRawClient::read_message(std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    while (auto f = read_frame(left(deadline))) {
        if (f->opcode == op::close) return std::nullopt;
        if (f->opcode == op::text || f->opcode == op::binary || f->opcode == op::cont) return f->payload;
    }
    return std::nullopt;
}

}  // namespace testing_support
