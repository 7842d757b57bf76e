#include "ws/permessage_deflate.h"

#include <algorithm>

namespace duplex::detail::ws {
namespace {

constexpr std::uint8_t kMinWindowBits = 8;
constexpr std::uint8_t kMaxWindowBits = 15;

// The parameters of one offer or response, syntax-checked but not yet judged.
struct ParsedParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<std::uint8_t> server_max_window_bits;
    bool client_max_window_bits_present = false;
    std::optional<std::uint8_t> client_max_window_bits;  // may lack a value in an offer only
};

// "8".."15", decimal without leading zeros (RFC 7692 7.1.2.1).
std::optional<std::uint8_t> parse_window_bits(const std::optional<std::string>& value) {
    if (!value || value->empty() || value->size() > 2 || (*value)[0] == '0') return std::nullopt;
    unsigned bits = 0;
    for (const char c : *value) {
        if (c < '0' || c > '9') return std::nullopt;
        bits = bits * 10 + static_cast<unsigned>(c - '0');
    }
    if (bits < kMinWindowBits || bits > kMaxWindowBits) return std::nullopt;
    return static_cast<std::uint8_t>(bits);
}

// Unknown names, repeated names and bad values all make the element unusable (RFC 7692 7.1).
std::optional<ParsedParams> parse_params(const Extension& ext, bool is_response) {
    ParsedParams p;
    bool seen_server_bits = false;
    for (const ExtensionParam& param : ext.params) {
        if (param.name == "server_no_context_takeover") {
            if (p.server_no_context_takeover || param.value) return std::nullopt;
            p.server_no_context_takeover = true;
        } else if (param.name == "client_no_context_takeover") {
            if (p.client_no_context_takeover || param.value) return std::nullopt;
            p.client_no_context_takeover = true;
        } else if (param.name == "server_max_window_bits") {
            if (seen_server_bits) return std::nullopt;
            seen_server_bits = true;
            p.server_max_window_bits = parse_window_bits(param.value);
            if (!p.server_max_window_bits) return std::nullopt;
        } else if (param.name == "client_max_window_bits") {
            if (p.client_max_window_bits_present) return std::nullopt;
            p.client_max_window_bits_present = true;
            // Only an offer may omit the value: it then just says "I support this parameter".
            if (!param.value && !is_response) continue;
            p.client_max_window_bits = parse_window_bits(param.value);
            if (!p.client_max_window_bits) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    return p;
}

std::uint8_t clamp_bits(std::uint8_t bits) { return std::clamp(bits, kMinWindowBits, kMaxWindowBits); }

void append_bits_param(std::string_view name, std::uint8_t bits, std::string& out) {
    out += "; ";
    out += name;
    out += '=';
    out += std::to_string(bits);
}

}  // namespace

std::optional<DeflateParams> negotiate_deflate(std::span<const Extension> offers, const DeflateConfig& config,
                                               std::string& response) {
    if (!config.enabled) return std::nullopt;
    for (const Extension& offer : offers) {
        if (offer.name != kPermessageDeflate) continue;
        const std::optional<ParsedParams> p = parse_params(offer, false);
        if (!p) continue;  // decline this offer, try the next (RFC 7692 5)

        DeflateParams agreed;
        // We can always honour a request not to keep context; a client's own promise not to keep it is made
        // binding by echoing it.
        agreed.server_no_context_takeover = p->server_no_context_takeover || config.server_no_context_takeover;
        agreed.client_no_context_takeover = p->client_no_context_takeover || config.client_no_context_takeover;
        agreed.server_max_window_bits =
            std::min(clamp_bits(config.server_max_window_bits), p->server_max_window_bits.value_or(kMaxWindowBits));
        // Without client_max_window_bits in the offer we must not limit the client (RFC 7692 7.1.2.2).
        if (p->client_max_window_bits_present) {
            agreed.client_max_window_bits = std::min(clamp_bits(config.client_max_window_bits),
                                                     p->client_max_window_bits.value_or(kMaxWindowBits));
        }

        response += kPermessageDeflate;
        if (agreed.server_no_context_takeover) response += "; server_no_context_takeover";
        if (agreed.client_no_context_takeover) response += "; client_no_context_takeover";
        // An offered server_max_window_bits must be answered, even when equal (RFC 7692 7.1.2.1).
        if (p->server_max_window_bits || agreed.server_max_window_bits < kMaxWindowBits) {
            append_bits_param("server_max_window_bits", agreed.server_max_window_bits, response);
        }
        if (agreed.client_max_window_bits < kMaxWindowBits) {
            append_bits_param("client_max_window_bits", agreed.client_max_window_bits, response);
        }
        return agreed;
    }
    return std::nullopt;
}

void append_deflate_offer(const DeflateConfig& config, std::string& out) {
    out += kPermessageDeflate;
    if (config.server_no_context_takeover) out += "; server_no_context_takeover";
    if (config.client_no_context_takeover) out += "; client_no_context_takeover";
    const std::uint8_t server_bits = clamp_bits(config.server_max_window_bits);
    if (server_bits < kMaxWindowBits) append_bits_param("server_max_window_bits", server_bits, out);
    const std::uint8_t client_bits = clamp_bits(config.client_max_window_bits);
    if (client_bits < kMaxWindowBits) {
        append_bits_param("client_max_window_bits", client_bits, out);
    } else {
        out += "; client_max_window_bits";
    }
}

std::optional<DeflateParams> accept_deflate_response(const Extension& response, const DeflateConfig& offered) {
    if (response.name != kPermessageDeflate) return std::nullopt;
    const std::optional<ParsedParams> p = parse_params(response, true);
    if (!p) return std::nullopt;
    // A server accepts our server_no_context_takeover request only by repeating it (RFC 7692 7.1.1.1).
    if (offered.server_no_context_takeover && !p->server_no_context_takeover) return std::nullopt;
    const std::uint8_t offered_server_bits = clamp_bits(offered.server_max_window_bits);
    if (offered_server_bits < kMaxWindowBits) {
        // Offered: the server must answer with the same or a smaller value (RFC 7692 7.1.2.1).
        if (!p->server_max_window_bits || *p->server_max_window_bits > offered_server_bits) return std::nullopt;
    }
    const std::uint8_t offered_client_bits = clamp_bits(offered.client_max_window_bits);
    if (p->client_max_window_bits && *p->client_max_window_bits > offered_client_bits) return std::nullopt;

    DeflateParams agreed;
    agreed.server_no_context_takeover = p->server_no_context_takeover;
    // Our own client_no_context_takeover announcement binds us even if the server did not repeat it.
    agreed.client_no_context_takeover = p->client_no_context_takeover || offered.client_no_context_takeover;
    agreed.server_max_window_bits = p->server_max_window_bits.value_or(kMaxWindowBits);
    agreed.client_max_window_bits = p->client_max_window_bits.value_or(offered_client_bits);
    return agreed;
}

}  // namespace duplex::detail::ws
