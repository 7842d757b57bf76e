// WsRawClient: a hand-made WebSocket client for protocol tests. It builds frames byte by byte (masked unless
// told otherwise, any header bit, any declared length) and reads the server's frames. It shares no code with
// the framework, so the tests check the framework's frame handling instead of mirroring it.
// Lifetime: owns its RawClient (one TCP connection). Threads: the test's.
#pragma once

#include "support/raw_client.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace testing_support {

// The sample nonce of RFC 6455 section 1.3 and the accept value the RFC gives for it.
inline constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

namespace op {
inline constexpr std::uint8_t cont = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA;
}

inline constexpr std::uint8_t kRsv1 = 0x40, kRsv2 = 0x20, kRsv3 = 0x10;

// How to build one frame. Defaults: a final, masked text frame whose header states the payload's size.
struct FrameSpec {
    std::uint8_t opcode = op::text;
    bool fin = true;
    std::uint8_t rsv = 0;  // any of kRsv1 | kRsv2 | kRsv3
    bool masked = true;
    std::optional<std::uint64_t> declared_length;  // the length the header claims, when it must lie
};

std::string ws_frame(std::string_view payload, const FrameSpec& spec = {});
// A Close frame's payload: the code in network order, then the reason.
std::string close_payload(std::uint16_t code, std::string_view reason = {});
// A complete upgrade request; extra_headers are whole lines, each ending in "\r\n".
std::string upgrade_request(std::string_view target, std::string_view extra_headers = {},
                            std::string_view key = kSampleKey);

// One frame as the server sent it (payload unmasked if it was masked).
struct ServerFrame {
    std::uint8_t opcode = 0;
    bool fin = false;
    std::uint8_t rsv = 0;
    bool masked = false;
    std::string payload;
    // Close frames: the code (1005 when the payload is empty) and the reason.
    std::uint16_t close_code() const;
    std::string close_reason() const;
};

class WsRawClient {
public:
    explicit WsRawClient(int port);

    // Sends an upgrade request and reads the response head (bytes after it stay buffered as frames).
    std::optional<HttpResponse> handshake(std::string_view target, std::string_view extra_headers = {});
    // A handshake that must be answered 101.
    bool open(std::string_view target, std::string_view extra_headers = {});

    bool send(std::string_view bytes);
    bool send_frame(std::string_view payload, const FrameSpec& spec = {});
    bool send_text(std::string_view text) { return send_frame(text); }
    bool send_binary(std::string_view bytes) { return send_frame(bytes, {.opcode = op::binary}); }

    std::optional<ServerFrame> read_frame(std::chrono::milliseconds bound = 5s);
    // Skips data and ping frames until a Close arrives.
    std::optional<ServerFrame> read_close(std::chrono::milliseconds bound = 5s);
    // The next data frame's payload, skipping control frames other than Close (nullopt on Close or time-out).
    std::optional<std::string> read_message(std::chrono::milliseconds bound = 5s);
    // True when the server closed TCP within the bound.
    bool wait_closed(std::chrono::milliseconds bound = 5s) { return raw_.wait_closed(bound); }

    RawClient& raw() { return raw_; }

private:
    RawClient raw_;
};

}  // namespace testing_support
