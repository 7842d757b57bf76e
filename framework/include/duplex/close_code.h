/// @file
/// duplex::CloseCode: the WebSocket close codes, one set for the whole framework (public API, sessions, frames).
/// Plain constants of the wire type, so that application codes 3000-4999 need no cast: ws.close(4001, "bye").
///
/// Lifetime and threads: compile-time constants.
#pragma once

#include <cstdint>

namespace duplex {

/// Close codes of RFC 6455 section 7.4.1 and the IANA registry (1012-1015).
namespace CloseCode {
inline constexpr std::uint16_t Normal = 1000;           ///< done, all is well
inline constexpr std::uint16_t GoingAway = 1001;        ///< server shutting down, or page left
inline constexpr std::uint16_t ProtocolError = 1002;    ///< a framing error
inline constexpr std::uint16_t UnsupportedData = 1003;  ///< a data type the endpoint cannot take
inline constexpr std::uint16_t NoStatus = 1005;        ///< reported when the Close frame had no code; never sent
inline constexpr std::uint16_t Abnormal = 1006;        ///< reported when the connection dropped without a Close; never sent
inline constexpr std::uint16_t InvalidPayload = 1007;  ///< e.g. a text message that is not UTF-8
inline constexpr std::uint16_t PolicyViolation = 1008;  ///< e.g. a reader too slow for the send buffer's cap
inline constexpr std::uint16_t MessageTooBig = 1009;    ///< over max_message_bytes or max_fragments
inline constexpr std::uint16_t MandatoryExtension = 1010;  ///< (client) an extension the server did not accept
inline constexpr std::uint16_t InternalError = 1011;    ///< a handler threw
inline constexpr std::uint16_t ServiceRestart = 1012;   ///< the server is restarting
inline constexpr std::uint16_t TryAgainLater = 1013;    ///< overloaded: come back later
inline constexpr std::uint16_t BadGateway = 1014;       ///< a gateway got an invalid answer upstream
inline constexpr std::uint16_t TlsHandshake = 1015;    ///< reported when TLS failed; never sent
}  // namespace CloseCode

}  // namespace duplex
