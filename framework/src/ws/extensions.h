#pragma once
// Parser for the Sec-WebSocket-Extensions header (RFC 6455 section 9.1, list and whitespace rules of RFC 7230):
//   extension-list = 1#( extension-token *( OWS ";" OWS param ) )
//   param          = token [ OWS "=" OWS ( token | quoted-string ) ]
// A quoted value must still be a token once unescaped (RFC 6455 9.1). Empty list elements are skipped.
// Pure function: any thread, no I/O. Runs once per handshake, so the result owns its strings.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex::detail::ws {

struct ExtensionParam {
    std::string name;
    std::optional<std::string> value;  // unquoted; std::nullopt when the parameter has no "=value"
};

struct Extension {
    std::string name;
    std::vector<ExtensionParam> params;  // in header order, duplicates kept (the negotiation judges them)
};

// Appends the extensions of `header` (possibly several headers joined with ", ") to `out`, in order.
// False on any syntax error, leaving `out` unchanged. An empty or blank header yields no extension.
bool parse_extensions(std::string_view header, std::vector<Extension>& out);

}  // namespace duplex::detail::ws
