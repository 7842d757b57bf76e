// duplex::CloseCode: the WebSocket close codes, one set for the whole framework (public API, sessions, frames).
// Plain constants of the wire type, so that application codes 3000-4999 need no cast: ws.close(4001, "bye").
//
// Lifetime and threads: compile-time constants.
#pragma once

#include <cstdint>

namespace duplex {

/// Close codes of RFC 6455 section 7.4.1 and the IANA registry (1012-1015).
namespace CloseCode {
inline constexpr std::uint16_t Normal = 1000;
inline constexpr std::uint16_t GoingAway = 1001;
inline constexpr std::uint16_t ProtocolError = 1002;
inline constexpr std::uint16_t UnsupportedData = 1003;
inline constexpr std::uint16_t NoStatus = 1005;        ///< reported when the Close frame had no code; never sent
inline constexpr std::uint16_t Abnormal = 1006;        ///< reported when the connection dropped without a Close; never sent
inline constexpr std::uint16_t InvalidPayload = 1007;  ///< e.g. a text message that is not UTF-8
inline constexpr std::uint16_t PolicyViolation = 1008;
inline constexpr std::uint16_t MessageTooBig = 1009;
inline constexpr std::uint16_t MandatoryExtension = 1010;
inline constexpr std::uint16_t InternalError = 1011;
inline constexpr std::uint16_t ServiceRestart = 1012;
inline constexpr std::uint16_t TryAgainLater = 1013;
inline constexpr std::uint16_t BadGateway = 1014;
inline constexpr std::uint16_t TlsHandshake = 1015;    ///< reported when TLS failed; never sent
}  // namespace CloseCode

}  // namespace duplex
