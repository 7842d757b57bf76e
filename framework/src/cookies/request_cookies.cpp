// The cookie members of Request and Response: reading Cookie lines lazily, appending Set-Cookie lines.
#include "cookies/cookie_header.h"
#include "duplex/request.h"
#include "duplex/response.h"
#include "http/http_tokens.h"

namespace duplex {

const Request::Pairs& Request::cookies() const {
    if (!cookies_parsed_) {
        cookies_parsed_ = true;
        for (const auto& h : headers_)
            if (detail::ascii_iequals(view({h.name_off, h.name_len}), "cookie"))
                detail::parse_cookie_line(view({h.value_off, h.value_len}), cookies_);
    }
    return cookies_;
}

std::optional<std::string_view> Request::cookie(std::string_view name) const {
    for (const auto& [k, v] : cookies())
        if (k == name) return std::string_view(v);
    return std::nullopt;
}

Response& Response::cookie(std::string_view name, std::string_view value, const CookieOptions& options) {
    return append("Set-Cookie", detail::format_set_cookie(name, value, options));
}

Response& Response::clear_cookie(std::string_view name, const CookieOptions& options) {
    return append("Set-Cookie", detail::format_clear_cookie(name, options));
}

}  // namespace duplex
