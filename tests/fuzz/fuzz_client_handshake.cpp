// Fuzz target: the WebSocket client's handshake: the response head parser (client::ResponseParser) and
// check_upgrade_response, plus the permessage-deflate negotiation seen from both ends.
// Input layout (FuzzedDataProvider): the last byte is the client's deflate offer, the byte before it the server's
// deflate configuration, then two bytes pick a split point; the rest is the server's response, parsed whole and in
// two pieces. Invariants: `consumed` never exceeds what was fed; after Complete or Error the parser consumes nothing
// more; both splits agree; an accepted response is a 101 with the right accept key, an offered subprotocol and
// deflate parameters within the offer; and any server configuration answering our own offer yields parameters that
// our client accepts and that equal the server's.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/response_parser.h"
#include "fuzz_check.h"
#include "fuzz_deflate_config.h"
#include "ws/accept_key.h"
#include "ws/client_handshake_rules.h"
#include "http/http_tokens.h"
#include "ws/permessage_deflate.h"

namespace {

using namespace duplex::detail;
using namespace duplex::detail::ws;
using duplex::detail::client::ResponseParser;

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::array<std::string_view, 2> kOffered = {"chat", "superchat"};

struct Parsed {
    ResponseParser::Kind kind = ResponseParser::Kind::NeedMore;
    int status = 0;
    std::string headers;  // the five header values check_upgrade_response sees

    bool operator==(const Parsed&) const = default;
};

ResponseParser::Result feed_checked(ResponseParser& parser, std::string_view piece) {
    const ResponseParser::Result result = parser.feed(piece.data(), piece.size());
    FUZZ_CHECK(result.consumed <= piece.size());
    FUZZ_CHECK((result.kind == ResponseParser::Kind::Error) == !result.reason.empty());
    if (result.kind == ResponseParser::Kind::NeedMore) FUZZ_CHECK(result.consumed == piece.size());
    return result;
}

Parsed parse(ResponseParser& parser, std::string_view response, std::size_t split) {
    ResponseParser::Result result = feed_checked(parser, response.substr(0, split));
    if (result.kind == ResponseParser::Kind::NeedMore) result = feed_checked(parser, response.substr(split));
    Parsed parsed{result.kind, parser.status(), {}};
    if (result.kind == ResponseParser::Kind::NeedMore) return parsed;
    // Done: whatever comes next belongs to the WebSocket (or is never read).
    const ResponseParser::Result again = feed_checked(parser, "HTTP/1.1 101 x\r\n\r\n");
    FUZZ_CHECK(again.kind == result.kind && again.consumed == 0);
    if (result.kind == ResponseParser::Kind::Complete) {
        const UpgradeResponse view = parser.upgrade_response();
        for (const std::string_view value : {view.upgrade, view.connection, view.accept, view.protocol,
                                             view.extensions}) {
            parsed.headers.append(value).push_back('\n');
        }
    }
    return parsed;
}

void check_decision(const UpgradeResponse& response, const ClientRequest& sent) {
    const ClientHandshakeResult result = check_upgrade_response(response, sent);
    if (!result.ok()) return;
    FUZZ_CHECK(response.status == 101);
    FUZZ_CHECK(list_has_token(response.upgrade, "websocket") && list_has_token(response.connection, "upgrade"));
    FUZZ_CHECK(trim_ows(response.accept) == accept_key(kKey).value());
    FUZZ_CHECK(result.subprotocol.empty() || result.subprotocol == kOffered[0] || result.subprotocol == kOffered[1]);
    if (!result.deflate) return;
    const DeflateConfig& offer = sent.deflate;
    FUZZ_CHECK(offer.enabled);
    FUZZ_CHECK(result.deflate->server_max_window_bits >= 8);
    FUZZ_CHECK(result.deflate->server_max_window_bits <= offer.server_max_window_bits);
    FUZZ_CHECK(result.deflate->client_max_window_bits >= 8);
    FUZZ_CHECK(result.deflate->client_max_window_bits <= offer.client_max_window_bits);
    FUZZ_CHECK(!offer.server_no_context_takeover || result.deflate->server_no_context_takeover);
    FUZZ_CHECK(!offer.client_no_context_takeover || result.deflate->client_no_context_takeover);
}

// Our client's offer, answered by our server with any configuration, must be accepted with the same parameters.
void check_negotiation(const DeflateConfig& client, DeflateConfig server) {
    if (!client.enabled) return;
    server.enabled = true;
    std::string offer;
    append_deflate_offer(client, offer);
    std::vector<Extension> offers;
    FUZZ_CHECK(parse_extensions(offer, offers));
    std::string answer;
    const std::optional<DeflateParams> agreed = negotiate_deflate(offers, server, answer);
    if (!agreed) return;
    std::vector<Extension> answers;
    FUZZ_CHECK(parse_extensions(answer, answers) && answers.size() == 1);
    const std::optional<DeflateParams> accepted = accept_deflate_response(answers[0], client);
    FUZZ_CHECK(accepted.has_value());
    FUZZ_CHECK(*accepted == *agreed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const DeflateConfig client = pick_deflate_config(provider.ConsumeIntegral<std::uint8_t>());
    const DeflateConfig server = pick_deflate_config(provider.ConsumeIntegral<std::uint8_t>());
    const auto split_selector = provider.ConsumeIntegral<std::uint16_t>();
    const std::string response = provider.ConsumeRemainingBytesAsString();
    const std::size_t split = split_selector % (response.size() + 1);

    ResponseParser whole_parser;
    const Parsed whole = parse(whole_parser, response, response.size());
    ResponseParser split_parser;
    FUZZ_CHECK(parse(split_parser, response, split) == whole);

    if (whole.kind == ResponseParser::Kind::Complete) {
        ClientRequest sent;
        sent.host = "example.com";
        sent.key = kKey;
        sent.subprotocols = kOffered;
        sent.deflate = client;
        check_decision(whole_parser.upgrade_response(), sent);
    }
    check_negotiation(client, server);
    return 0;
}
