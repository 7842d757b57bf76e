#include "duplex/cors.h"

#include "http/http_tokens.h"
#include "http/middleware_access.h"

#include <memory>

namespace duplex {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out.append(", ");
        out.append(item);
    }
    return out;
}

// What every answer of one middleware shares, joined once.
struct Cors {
    CorsOptions options;
    bool any_origin = false;  // "*" in origins
    std::string methods, allowed_headers, exposed_headers, max_age;

    bool allowed(std::string_view origin) const {
        if (options.allow_origin) return options.allow_origin(origin);
        if (any_origin) return true;
        for (const std::string& o : options.origins)
            if (o == origin) return true;
        return false;
    }
};

}  // namespace

Middleware cors(CorsOptions options) {
    auto c = std::make_shared<Cors>();
    for (const std::string& o : options.origins) c->any_origin = c->any_origin || o == "*";
    c->methods = join(options.methods);
    c->allowed_headers = join(options.allowed_headers);
    c->exposed_headers = join(options.exposed_headers);
    if (options.max_age) c->max_age = std::to_string(options.max_age->count());
    c->options = std::move(options);
    return [c = std::shared_ptr<const Cors>(std::move(c))](Request& req, Response& res, Next next) {
        const std::string_view origin = req.header("origin");
        // "*" only where the answer is the same for every origin: no predicate, no credentials.
        const bool star = c->any_origin && !c->options.allow_origin && !c->options.credentials;
        if (!star) detail::MiddlewareAccess::add_vary(res, "Origin");
        if (origin.empty() || !c->allowed(origin)) {
            next();
            return;
        }
        res.set("Access-Control-Allow-Origin", star ? std::string_view("*") : origin);
        if (c->options.credentials) res.set("Access-Control-Allow-Credentials", "true");
        const std::string_view requested_method = req.header("access-control-request-method");
        if (req.method() != "OPTIONS" || requested_method.empty()) {
            if (!c->exposed_headers.empty()) res.set("Access-Control-Expose-Headers", c->exposed_headers);
            next();
            return;
        }
        // A preflight: answered here, before the router's automatic OPTIONS.
        res.set("Access-Control-Allow-Methods", c->methods);
        if (!c->allowed_headers.empty()) {
            res.set("Access-Control-Allow-Headers", c->allowed_headers);
        } else if (const std::string_view asked = req.header("access-control-request-headers"); !asked.empty()) {
            res.set("Access-Control-Allow-Headers", asked);
            detail::MiddlewareAccess::add_vary(res, "Access-Control-Request-Headers");
        }
        if (!c->max_age.empty()) res.set("Access-Control-Max-Age", c->max_age);
        res.status(204).end();
    };
}

}  // namespace duplex
