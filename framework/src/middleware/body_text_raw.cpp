// body::text() and body::raw(): a buffered body checked against a limit and a media type, and for text its
// charset (UTF-8 or US-ASCII, whose bytes are checked) as body-parser's text() and raw() do.
#include "duplex/body.h"

#include "http/http_tokens.h"
#include "middleware/header_params.h"
#include "ws/utf8.h"

namespace duplex::body {

namespace {

// "text/plain" matches itself; "text/*" any text type; "*/*" anything. A request without a body is left alone.
bool type_matches(std::string_view content_type, std::string_view wanted) {
    const std::string_view type = detail::header_main_value(content_type);
    if (type.empty()) return false;
    if (wanted == "*/*") return true;
    if (wanted.size() > 2 && wanted.substr(wanted.size() - 2) == "/*") {
        const std::string_view major = wanted.substr(0, wanted.size() - 1);  // "text/"
        return type.size() > major.size() && detail::ascii_iequals(type.substr(0, major.size()), major);
    }
    return detail::ascii_iequals(type, wanted);
}

// Pass-through, 413, or go on: the checks both middlewares share. True when the caller goes on with the body.
bool admit(Request& req, Next& next, std::size_t limit, std::string_view type) {
    if (!type_matches(req.header("content-type"), type)) {
        next();
        return false;
    }
    if (req.body().size() > limit) {
        next(Error(413, "request body is larger than " + std::to_string(limit) + " bytes"));
        return false;
    }
    return true;
}

}  // namespace

Middleware text(TextOptions options) {
    return [options](Request& req, Response&, Next next) {
        if (!admit(req, next, options.limit, options.type)) return;
        const std::optional<std::string> charset = detail::header_param(req.header("content-type"), "charset");
        const std::string_view cs = charset ? std::string_view(*charset) : std::string_view("utf-8");
        const bool ascii = detail::ascii_iequals(cs, "us-ascii");
        if (!ascii && !detail::ascii_iequals(cs, "utf-8")) {
            next(Error(415, "unsupported charset \"" + std::string(cs) + "\""));
            return;
        }
        bool valid = detail::ws::is_valid_utf8(req.body());
        if (ascii)
            for (char c : req.body()) valid = valid && static_cast<unsigned char>(c) < 0x80;
        if (!valid) {
            next(Error(400, "the body is not valid " + std::string(ascii ? "US-ASCII" : "UTF-8")));
            return;
        }
        next();
    };
}

Middleware raw(RawOptions options) {
    return [options](Request& req, Response&, Next next) {
        if (admit(req, next, options.limit, options.type)) next();
    };
}

}  // namespace duplex::body
