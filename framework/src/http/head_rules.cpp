#include "http/head_rules.h"

#include "http/http_tokens.h"
#include "http/url.h"

namespace duplex::detail {

HeadVerdict check_head(const Request& req) noexcept {
    HeadVerdict v;
    int hosts = 0;
    bool hosts_valid = true;
    bool coded = false;         // a Transfer-Encoding line was seen
    bool other_coding = false;  // a coding other than chunked
    std::string_view last_coding;
    for (std::size_t i = 0; i < req.header_count(); ++i) {
        auto [name, value] = req.header_at(i);
        // The length first: most lines are none of these and cost one comparison.
        switch (name.size()) {
        case 4:
            if (ascii_iequals(name, "host")) {
                ++hosts;
                hosts_valid = hosts_valid && is_valid_host(value);
            }
            break;
        case 10:
            // llhttp only honours `close` on HTTP/1.0 when no keep-alive token is there too.
            if (ascii_iequals(name, "connection") && list_has_token(value, "close")) v.close = true;
            break;
        case 17:
            if (ascii_iequals(name, "transfer-encoding")) {
                coded = true;
                last_coding = {};
                for_each_list_element(value, [&](std::string_view coding) {
                    last_coding = coding;
                    other_coding = other_coding || !ascii_iequals(coding, "chunked");
                });
            }
            break;
        default:
            break;
        }
    }
    // RFC 9112 3.2: a missing Host is only an error from HTTP/1.1 on; a repeated or invalid one always is.
    bool host_required = req.http_major() == 1 && req.http_minor() >= 1;
    if (hosts > 1 || !hosts_valid || (hosts == 0 && host_required)) {
        v.status = 400;
        v.reason = hosts == 0 ? "Missing Host header" : "Invalid Host header";
    } else if (coded && !ascii_iequals(last_coding, "chunked")) {
        // RFC 9112 6.3: the body length cannot be known; this outranks the 501 below.
        v.status = 400;
        v.reason = "Transfer-Encoding does not end with chunked";
    } else if (other_coding) {
        v.status = 501;  // RFC 9112 6.1: a coding we cannot decode
        v.reason = "Transfer coding not implemented";
    }
    return v;
}

}  // namespace duplex::detail
