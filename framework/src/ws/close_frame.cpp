#include "ws/close_frame.h"

#include <algorithm>

#include "ws/utf8.h"

namespace duplex::detail::ws {

bool is_valid_received_close_code(std::uint16_t code) noexcept {
    if (code >= 3000 && code <= 4999) return true;
    if (code < 1000 || code > 1014) return false;
    return code != 1004 && code != CloseCode::NoStatus && code != CloseCode::Abnormal;
}

ParsedClose parse_close_payload(std::string_view payload) noexcept {
    if (payload.empty()) return {true, CloseCode::NoStatus, {}};
    if (payload.size() == 1) return {false, CloseCode::ProtocolError, "close payload of one byte"};
    const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                 static_cast<unsigned char>(payload[1]));
    if (!is_valid_received_close_code(code)) return {false, CloseCode::ProtocolError, "invalid close code"};
    const std::string_view reason = payload.substr(2);
    if (!is_valid_utf8(reason)) return {false, CloseCode::InvalidPayload, "close reason is not UTF-8"};
    return {true, code, reason};
}

ClosePayload make_close_payload(std::uint16_t code, std::string_view reason) noexcept {
    ClosePayload out;
    if (code == CloseCode::NoStatus) return out;
    out.bytes_[0] = static_cast<char>(code >> 8);
    out.bytes_[1] = static_cast<char>(code & 0xFF);
    const std::string_view kept = utf8_prefix(reason, max_control_payload - 2);
    std::copy(kept.begin(), kept.end(), out.bytes_.begin() + 2);
    out.size_ = 2 + kept.size();
    return out;
}

}  // namespace duplex::detail::ws
