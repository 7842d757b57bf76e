#pragma once
// Client side of the WebSocket opening handshake (RFC 6455 sections 4.1 and 4.2.2), as pure functions: build the
// upgrade request, then judge the server's parsed response.
// Pure functions and value types: any thread, no I/O (make_client_key reads the CSPRNG).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ws/server_handshake_rules.h"
#include "ws/permessage_deflate.h"

namespace duplex::detail::ws {

// What the client sends; kept by the caller until the response is checked (the check compares against it).
struct ClientRequest {
    std::string_view host;
    std::uint16_t port = 80;
    bool secure = false;            // wss://: the Host header leaves out port 443 instead of 80
    std::string_view target = "/";  // path and query
    std::string_view key;           // from make_client_key()
    std::span<const std::string_view> subprotocols;
    DeflateConfig deflate;  // offered when deflate.enabled
    std::span<const HeaderField> extra_headers;
};

// A fresh Sec-WebSocket-Key: base64 of 16 CSPRNG bytes. std::nullopt if the CSPRNG failed.
std::optional<std::string> make_client_key();

// Appends the GET upgrade request. False (and `out` unchanged) if the request would be malformed: an empty host, a
// target not starting with '/' or holding whitespace/control bytes, a subprotocol that is not a token, or an unsafe
// extra header.
bool append_client_request(const ClientRequest& request, std::string& out);

// The server's answer as the HTTP layer parsed it (absent headers empty, repeated ones joined with ", ").
struct UpgradeResponse {
    int status = 0;
    std::string_view upgrade;
    std::string_view connection;
    std::string_view accept;      // Sec-WebSocket-Accept
    std::string_view protocol;    // Sec-WebSocket-Protocol
    std::string_view extensions;  // Sec-WebSocket-Extensions
};

struct ClientHandshakeResult {
    std::string_view error;                // empty on success; otherwise why to fail the connection (static text)
    std::string subprotocol;               // the one the server chose, or empty
    std::optional<DeflateParams> deflate;  // set when permessage-deflate was negotiated

    bool ok() const { return error.empty(); }
};

ClientHandshakeResult check_upgrade_response(const UpgradeResponse& response, const ClientRequest& sent);

}  // namespace duplex::detail::ws
