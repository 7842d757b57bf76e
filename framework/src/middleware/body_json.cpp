#include "duplex/body.h"

#include <strings.h>

namespace duplex::body {

namespace {
bool json_type(std::string_view ct) {
    std::string_view type = ct.substr(0, ct.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (type.size() == 16 && strncasecmp(type.data(), "application/json", 16) == 0) return true;
    return type.size() > 5 && strncasecmp(type.data() + type.size() - 5, "+json", 5) == 0;
}

// One pass over the text, before any parsing: brackets inside strings do not count, and an escaped quote does
// not end a string. Invalid JSON may be misjudged either way; the parser rejects it anyway.
bool nested_deeper_than(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}
}  // namespace

Middleware json(JsonOptions options) {
    return [options](Request& req, Response&, Next next) {
        if (options.require_json_type && !json_type(req.header("content-type"))) {
            next();
            return;
        }
        if (req.body().size() > options.limit) {
            next(Error(413, "request body is larger than " + std::to_string(options.limit) + " bytes"));
            return;
        }
        if (nested_deeper_than(req.body(), options.max_depth)) {
            next(Error(400, "JSON body nested deeper than " + std::to_string(options.max_depth) + " levels"));
            return;
        }
        nlohmann::json value = nlohmann::json::parse(req.body(), nullptr, false);
        if (value.is_discarded()) {
            next(Error(400, "invalid JSON body"));
            return;
        }
        req.set_json(std::move(value));
        next();
    };
}

}  // namespace duplex::body
