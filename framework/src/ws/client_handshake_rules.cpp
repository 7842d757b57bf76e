#include "ws/client_handshake_rules.h"

#include <array>
#include <vector>

#include "util/base64.h"
#include "util/random.h"
#include "ws/accept_key.h"
#include "http/http_tokens.h"

namespace duplex::detail::ws {
namespace {

bool is_valid_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return false;
    for (const char c : target) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) return false;
    }
    return true;
}

ClientHandshakeResult failure(std::string_view error) {
    ClientHandshakeResult result;
    result.error = error;
    return result;
}

void append_host(std::string_view host, std::uint16_t port, bool secure, std::string& out) {
    // An IPv6 literal needs brackets to keep its colons apart from the port (RFC 3986 3.2.2).
    const bool bracket = host.find(':') != std::string_view::npos && host.front() != '[';
    if (bracket) out += '[';
    out += host;
    if (bracket) out += ']';
    if (port != (secure ? 443 : 80)) {
        out += ':';
        out += std::to_string(port);
    }
}

// Protocol and extension checks of RFC 6455 4.1, steps 5 and 6 of the client's response validation.
std::string_view check_subprotocol(std::string_view header, const ClientRequest& sent, std::string& chosen) {
    const std::string_view value = trim_ows(header);
    if (value.empty()) return {};
    if (!is_token(value)) return "Server sent an invalid Sec-WebSocket-Protocol";
    for (const std::string_view offered : sent.subprotocols) {
        if (offered == value) {
            chosen.assign(value);
            return {};
        }
    }
    return "Server chose a subprotocol we did not offer";
}

std::string_view check_extensions(std::string_view header, const ClientRequest& sent,
                                  std::optional<DeflateParams>& deflate) {
    std::vector<Extension> extensions;
    if (!parse_extensions(header, extensions)) return "Server sent a malformed Sec-WebSocket-Extensions";
    for (const Extension& ext : extensions) {
        if (ext.name != kPermessageDeflate || !sent.deflate.enabled || deflate) {
            return "Server accepted an extension we did not offer";
        }
        deflate = accept_deflate_response(ext, sent.deflate);
        if (!deflate) return "Server sent unacceptable permessage-deflate parameters";
    }
    return {};
}

}  // namespace

std::optional<std::string> make_client_key() {
    std::array<char, 16> bytes{};
    if (!fill_random(bytes.data(), bytes.size())) return std::nullopt;
    std::string key;
    base64_encode(std::string_view(bytes.data(), bytes.size()), key);
    return key;
}

bool append_client_request(const ClientRequest& request, std::string& out) {
    if (request.host.empty() || !is_valid_target(request.target)) return false;
    for (const std::string_view protocol : request.subprotocols) {
        if (!is_token(protocol)) return false;
    }
    const std::size_t original_size = out.size();
    out += "GET ";
    out += request.target;
    out += " HTTP/1.1\r\nHost: ";
    append_host(request.host, request.port, request.secure, out);
    out += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    out += request.key;
    out += "\r\nSec-WebSocket-Version: 13\r\n";
    if (!request.subprotocols.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        for (std::size_t i = 0; i < request.subprotocols.size(); ++i) {
            if (i > 0) out += ", ";
            out += request.subprotocols[i];
        }
        out += "\r\n";
    }
    if (request.deflate.enabled) {
        out += "Sec-WebSocket-Extensions: ";
        append_deflate_offer(request.deflate, out);
        out += "\r\n";
    }
    if (!append_header_fields(request.extra_headers, out)) {
        out.resize(original_size);
        return false;
    }
    out += "\r\n";
    return true;
}

ClientHandshakeResult check_upgrade_response(const UpgradeResponse& response, const ClientRequest& sent) {
    if (response.status != 101) return failure("Server did not answer 101 Switching Protocols");
    if (!list_has_token(response.upgrade, "websocket")) return failure("Server response lacks Upgrade: websocket");
    if (!list_has_token(response.connection, "upgrade")) return failure("Server response lacks Connection: Upgrade");
    const std::optional<std::string> expected = accept_key(sent.key);
    if (!expected) return failure("Could not compute Sec-WebSocket-Accept");
    if (trim_ows(response.accept) != *expected) return failure("Sec-WebSocket-Accept does not match our key");

    ClientHandshakeResult result;
    std::string_view error = check_subprotocol(response.protocol, sent, result.subprotocol);
    if (error.empty()) error = check_extensions(response.extensions, sent, result.deflate);
    if (!error.empty()) return failure(error);
    return result;
}

}  // namespace duplex::detail::ws
