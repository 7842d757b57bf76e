#pragma once
// Server side of the WebSocket opening handshake (RFC 6455 section 4.2), as pure functions: the HTTP layer fills an
// UpgradeRequest from the parsed request, check_upgrade_request decides, and the append_* functions write the answer.
// Pure functions and value types: any thread, no I/O. Views point into the caller's buffers and live as long as they.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ws/extensions.h"

namespace duplex::detail::ws {

struct HeaderField {
    std::string_view name;
    std::string_view value;
};

// Header values as the HTTP layer saw them; repeated headers arrive joined with ", ", absent ones are empty.
struct UpgradeRequest {
    std::string_view method;
    int http_major = 1;
    int http_minor = 1;
    std::string_view host;
    std::string_view connection;
    std::string_view upgrade;
    std::string_view version;     // Sec-WebSocket-Version
    std::string_view key;         // Sec-WebSocket-Key
    std::string_view protocol;    // Sec-WebSocket-Protocol
    std::string_view extensions;  // Sec-WebSocket-Extensions
    std::string_view origin;      // not judged here: the application may check it
};

enum class HandshakeError {
    None,
    MethodNotAllowed,     // 405 + Allow: GET
    HttpVersionTooOld,    // 400: needs HTTP/1.1 or later
    MissingHost,          // 400
    NotAnUpgrade,         // 426 + Upgrade: websocket
    UnsupportedVersion,   // 426 + Sec-WebSocket-Version: 13
    BadKey,               // 400: missing, or not base64 of exactly 16 bytes
    BadProtocolHeader,    // 400: Sec-WebSocket-Protocol is not a token list
    BadExtensionsHeader,  // 400: Sec-WebSocket-Extensions does not parse
    InternalError,        // 500: libcrypto failed
};

struct HandshakeDecision {
    HandshakeError error = HandshakeError::None;
    int status = 101;
    std::string_view reason;                     // human-readable, static storage
    std::string accept;                          // Sec-WebSocket-Accept, when ok()
    std::vector<std::string_view> subprotocols;  // offered, in order, views into UpgradeRequest::protocol
    std::vector<Extension> deflate_offers;       // the permessage-deflate elements offered, in order

    bool ok() const { return error == HandshakeError::None; }
};

// Checks in this order: method, HTTP version, Host, Upgrade/Connection, version, key, protocol, extensions.
HandshakeDecision check_upgrade_request(const UpgradeRequest& request);

// Appends "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Sec-WebSocket-Accept, then
// Sec-WebSocket-Protocol / Sec-WebSocket-Extensions when not empty, then `extra`, then the blank line.
// False (and `out` unchanged) if an extra header is malformed: a name that is not a token, or a value holding a
// control byte other than HTAB (CR/LF/NUL would split the response, the others make strict clients refuse it).
bool append_switching_protocols(std::string_view accept, std::string_view subprotocol, std::string_view extensions,
                                std::span<const HeaderField> extra, std::string& out);

// Appends the complete error response for a failed decision: status line, the headers its status requires (Allow,
// Upgrade, Sec-WebSocket-Version), Content-Type: text/plain, Content-Length, Connection: close and the reason as body.
// A 426 carries "Connection: Upgrade, close": Upgrade must be listed in Connection (RFC 7230 6.7), and we still close.
void append_handshake_error(const HandshakeDecision& decision, std::string& out);

// Appends "name: value\r\n" for each field; false (and `out` unchanged) if any field is unsafe, as above.
bool append_header_fields(std::span<const HeaderField> fields, std::string& out);

}  // namespace duplex::detail::ws
