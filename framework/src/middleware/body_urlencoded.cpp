#include "duplex/body.h"

#include "http/http_tokens.h"
#include "middleware/urlencoded_parser.h"

namespace duplex {

std::optional<std::string_view> Request::form(std::string_view name) const {
    for (const auto& [k, v] : form_)
        if (k == name) return std::string_view(v);
    return std::nullopt;
}

namespace body {

namespace {
bool form_type(std::string_view content_type) {
    return detail::ascii_iequals(detail::trim_ows(content_type.substr(0, content_type.find(';'))),
                                 "application/x-www-form-urlencoded");
}
}  // namespace

Middleware urlencoded(UrlencodedOptions options) {
    return [options](Request& req, Response&, Next next) {
        if (options.require_type && !form_type(req.header("content-type"))) {
            next();
            return;
        }
        detail::UrlencodedParser parser(options.limit, options.max_fields);
        parser.feed(req.body());
        switch (parser.finish()) {
            case detail::UrlencodedParser::Status::Ok:
                req.set_form(std::move(parser.fields()));
                next();
                return;
            case detail::UrlencodedParser::Status::BadEscape:
                next(Error(400, "invalid percent-encoding in the form body"));
                return;
            case detail::UrlencodedParser::Status::TooManyFields:
                next(Error(413, "form body has more than " + std::to_string(options.max_fields) + " fields"));
                return;
            case detail::UrlencodedParser::Status::TooLarge:
                next(Error(413, "request body is larger than " + std::to_string(options.limit) + " bytes"));
                return;
        }
    };
}

}  // namespace body
}  // namespace duplex
