// Fuzz target: the server's WebSocket handshake validator (check_upgrade_request), the permessage-deflate
// negotiation it feeds, and the responses written from its decision.
// Input layout (FuzzedDataProvider): the last two bytes say which request fields are fuzzed (the others keep the
// values of a valid RFC 6455 request, so every check is reachable), the byte before them the server's deflate
// configuration; from the front, one ConsumeRandomLengthString per fuzzed field, in UpgradeRequest order, then an
// extra response header's name and value. Invariants: the status is one of 101/400/405/426 and agrees with the
// error; a 101 carries a 28-character base64 accept and token subprotocols; the 101 response we write is accepted by
// our own client's parser and check; an error response's Content-Length is its body's size.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/response_parser.h"
#include "fuzz_check.h"
#include "fuzz_deflate_config.h"
#include "ws/server_handshake_rules.h"
#include "ws/client_handshake_rules.h"
#include "http/http_tokens.h"
#include "ws/permessage_deflate.h"

namespace {

using namespace duplex::detail;
using namespace duplex::detail::ws;

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Our own client must accept the 101 we write for it: same key, the chosen subprotocol offered.
void check_client_accepts(std::string_view response, const UpgradeRequest& request,
                          const std::vector<std::string_view>& offered, bool deflate_agreed) {
    duplex::detail::client::ResponseParser parser;
    const auto parsed = parser.feed(response.data(), response.size());
    FUZZ_CHECK(parsed.kind == duplex::detail::client::ResponseParser::Kind::Complete);
    FUZZ_CHECK(parsed.consumed == response.size());
    FUZZ_CHECK(parser.status() == 101);
    ClientRequest sent;
    sent.host = "example.com";
    sent.key = request.key;
    sent.subprotocols = offered;
    sent.deflate.enabled = deflate_agreed;  // a client offering the defaults accepts whatever the server may answer
    const ClientHandshakeResult result = check_upgrade_response(parser.upgrade_response(), sent);
    FUZZ_CHECK(result.ok());
    FUZZ_CHECK(result.deflate.has_value() == deflate_agreed);
}

void check_accepted(const UpgradeRequest& request, const HandshakeDecision& decision, const DeflateConfig& config,
                    const HeaderField& extra) {
    FUZZ_CHECK(decision.status == 101);
    FUZZ_CHECK(request.method == "GET");
    FUZZ_CHECK(decision.accept.size() == 28 && decision.accept.back() == '=');
    for (std::size_t i = 0; i < 27; ++i) FUZZ_CHECK(is_base64_char(decision.accept[i]));
    for (const std::string_view protocol : decision.subprotocols) {
        FUZZ_CHECK(is_token(protocol) && inside(protocol, request.protocol));
    }
    for (const Extension& offer : decision.deflate_offers) FUZZ_CHECK(offer.name == kPermessageDeflate);

    std::string agreed;
    const auto params = negotiate_deflate(decision.deflate_offers, config, agreed);
    FUZZ_CHECK(params.has_value() == !agreed.empty());
    if (params) {
        FUZZ_CHECK(config.enabled);
        FUZZ_CHECK(params->server_max_window_bits >= 8 && params->server_max_window_bits <= 15);
        FUZZ_CHECK(params->client_max_window_bits >= 8 && params->client_max_window_bits <= 15);
        std::vector<Extension> reparsed;
        FUZZ_CHECK(parse_extensions(agreed, reparsed));
        FUZZ_CHECK(reparsed.size() == 1 && reparsed[0].name == kPermessageDeflate);
    }
    const std::string_view chosen = decision.subprotocols.empty() ? std::string_view{} : decision.subprotocols[0];
    std::string response;
    FUZZ_CHECK(append_switching_protocols(decision.accept, chosen, agreed, {}, response));
    check_client_accepts(response, request, decision.subprotocols, params.has_value());

    // An application header is either refused or written so that the response still parses the same way.
    response.clear();
    if (append_switching_protocols(decision.accept, chosen, agreed, {&extra, 1}, response)) {
        check_client_accepts(response, request, decision.subprotocols, params.has_value());
    } else {
        FUZZ_CHECK(response.empty());
    }
}

void check_refused(const UpgradeRequest& request, const HandshakeDecision& decision) {
    FUZZ_CHECK(!decision.reason.empty() && decision.accept.empty());
    switch (decision.error) {
    case HandshakeError::MethodNotAllowed:
        FUZZ_CHECK(decision.status == 405 && request.method != "GET");
        break;
    case HandshakeError::NotAnUpgrade:
    case HandshakeError::UnsupportedVersion:
        FUZZ_CHECK(decision.status == 426);
        break;
    case HandshakeError::HttpVersionTooOld:
    case HandshakeError::MissingHost:
    case HandshakeError::BadKey:
    case HandshakeError::BadProtocolHeader:
    case HandshakeError::BadExtensionsHeader:
        FUZZ_CHECK(decision.status == 400);
        break;
    case HandshakeError::None:
    case HandshakeError::InternalError:  // libcrypto does not fail on a 60-byte SHA-1
        FUZZ_CHECK(false);
    }
    std::string response;
    append_handshake_error(decision, response);
    FUZZ_CHECK(response.starts_with("HTTP/1.1 " + std::to_string(decision.status) + " "));
    const std::size_t blank = response.find("\r\n\r\n");
    FUZZ_CHECK(blank != std::string::npos);
    const std::string body = response.substr(blank + 4);
    FUZZ_CHECK(response.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") < blank);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const auto fuzzed = provider.ConsumeIntegral<std::uint16_t>();
    const DeflateConfig config = pick_deflate_config(provider.ConsumeIntegral<std::uint8_t>());

    // Owns the fuzzed strings the request's views point into; reserved so they never move.
    std::vector<std::string> storage;
    storage.reserve(16);
    auto field = [&](int bit, std::string_view valid) -> std::string_view {
        if ((fuzzed & (1u << bit)) == 0) return valid;
        return storage.emplace_back(provider.ConsumeRandomLengthString(256));
    };
    UpgradeRequest request;
    request.method = field(0, "GET");
    request.http_major = (fuzzed & (1u << 1)) ? provider.ConsumeIntegralInRange(0, 2) : 1;
    request.http_minor = (fuzzed & (1u << 1)) ? provider.ConsumeIntegralInRange(0, 9) : 1;
    request.host = field(2, "example.com");
    request.connection = field(3, "keep-alive, Upgrade");
    request.upgrade = field(4, "websocket");
    request.version = field(5, "13");
    request.key = field(6, "dGhlIHNhbXBsZSBub25jZQ==");
    request.protocol = field(7, "chat, superchat");
    request.extensions = field(8, "permessage-deflate; client_max_window_bits");
    request.origin = field(9, "http://example.com");
    const std::string extra_name = provider.ConsumeRandomLengthString(64);
    const std::string extra_value = provider.ConsumeRandomLengthString(128);

    const HandshakeDecision decision = check_upgrade_request(request);
    if (decision.ok()) {
        check_accepted(request, decision, config, HeaderField{extra_name, extra_value});
    } else {
        check_refused(request, decision);
    }
    return 0;
}
