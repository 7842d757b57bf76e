#include "ws/server_handshake_rules.h"

#include <optional>

#include "util/base64.h"
#include "ws/accept_key.h"
#include "http/http_tokens.h"
#include "ws/permessage_deflate.h"

namespace duplex::detail::ws {
namespace {

constexpr std::size_t kKeyBytes = 16;

HandshakeDecision fail(HandshakeError error, int status, std::string_view reason) {
    HandshakeDecision decision;
    decision.error = error;
    decision.status = status;
    decision.reason = reason;
    return decision;
}

bool is_valid_key(std::string_view key) {
    // 16 bytes always encode to 24 characters; checking first keeps the decode buffer small.
    if (key.size() != 24) return false;
    std::string bytes;
    return base64_decode(key, bytes) && bytes.size() == kKeyBytes;
}

// Sec-WebSocket-Protocol = 1#token; false on any element that is not a token.
bool split_subprotocols(std::string_view header, std::vector<std::string_view>& out) {
    bool valid = true;
    for_each_list_element(header, [&](std::string_view element) {
        valid = valid && is_token(element);
        out.push_back(element);
    });
    return valid;
}

std::string_view status_text(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 405: return "Method Not Allowed";
        case 426: return "Upgrade Required";
        default: return "Internal Server Error";
    }
}

bool is_safe_field(const HeaderField& field) {
    return is_token(field.name) && is_field_value(field.value);
}

void append_field(std::string_view name, std::string_view value, std::string& out) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

}  // namespace

HandshakeDecision check_upgrade_request(const UpgradeRequest& request) {
    if (request.method != "GET") return fail(HandshakeError::MethodNotAllowed, 405, "WebSocket upgrades must use GET");
    if (request.http_major < 1 || (request.http_major == 1 && request.http_minor < 1)) {
        return fail(HandshakeError::HttpVersionTooOld, 400, "WebSocket upgrades need HTTP/1.1");
    }
    if (trim_ows(request.host).empty()) return fail(HandshakeError::MissingHost, 400, "Missing Host header");
    if (!list_has_token(request.upgrade, "websocket") || !list_has_token(request.connection, "upgrade")) {
        return fail(HandshakeError::NotAnUpgrade, 426, "Expected a WebSocket upgrade request");
    }
    if (trim_ows(request.version) != "13") {
        return fail(HandshakeError::UnsupportedVersion, 426, "Unsupported Sec-WebSocket-Version (13 expected)");
    }
    const std::string_view key = trim_ows(request.key);
    if (!is_valid_key(key)) return fail(HandshakeError::BadKey, 400, "Missing or invalid Sec-WebSocket-Key");

    HandshakeDecision decision;
    if (!split_subprotocols(request.protocol, decision.subprotocols)) {
        return fail(HandshakeError::BadProtocolHeader, 400, "Malformed Sec-WebSocket-Protocol header");
    }
    std::vector<Extension> extensions;
    if (!parse_extensions(request.extensions, extensions)) {
        return fail(HandshakeError::BadExtensionsHeader, 400, "Malformed Sec-WebSocket-Extensions header");
    }
    for (Extension& ext : extensions) {
        if (ext.name == kPermessageDeflate) decision.deflate_offers.push_back(std::move(ext));
    }
    std::optional<std::string> accept = accept_key(key);
    if (!accept) return fail(HandshakeError::InternalError, 500, "Could not compute Sec-WebSocket-Accept");
    decision.accept = std::move(*accept);
    decision.reason = "Switching Protocols";
    return decision;
}

bool append_header_fields(std::span<const HeaderField> fields, std::string& out) {
    for (const HeaderField& field : fields) {
        if (!is_safe_field(field)) return false;
    }
    for (const HeaderField& field : fields) append_field(field.name, field.value, out);
    return true;
}

bool append_switching_protocols(std::string_view accept, std::string_view subprotocol, std::string_view extensions,
                                std::span<const HeaderField> extra, std::string& out) {
    const std::size_t original_size = out.size();
    out += "HTTP/1.1 101 Switching Protocols\r\n";
    append_field("Upgrade", "websocket", out);
    append_field("Connection", "Upgrade", out);
    append_field("Sec-WebSocket-Accept", accept, out);
    if (!subprotocol.empty()) append_field("Sec-WebSocket-Protocol", subprotocol, out);
    if (!extensions.empty()) append_field("Sec-WebSocket-Extensions", extensions, out);
    if (!append_header_fields(extra, out)) {
        out.resize(original_size);
        return false;
    }
    out += "\r\n";
    return true;
}

void append_handshake_error(const HandshakeDecision& decision, std::string& out) {
    out += "HTTP/1.1 ";
    out += std::to_string(decision.status);
    out += ' ';
    out += status_text(decision.status);
    out += "\r\n";
    if (decision.status == 405) append_field("Allow", "GET", out);
    if (decision.status == 426) {
        append_field("Upgrade", "websocket", out);
        if (decision.error == HandshakeError::UnsupportedVersion) append_field("Sec-WebSocket-Version", "13", out);
    }
    append_field("Content-Type", "text/plain; charset=utf-8", out);
    append_field("Content-Length", std::to_string(decision.reason.size() + 1), out);
    append_field("Connection", decision.status == 426 ? "Upgrade, close" : "close", out);
    out += "\r\n";
    out += decision.reason;
    out += '\n';
}

}  // namespace duplex::detail::ws
