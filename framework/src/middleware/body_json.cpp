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
