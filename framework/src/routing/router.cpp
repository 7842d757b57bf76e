#include "duplex/router.h"

#include "routing/router_stack.h"

#include <stdexcept>

namespace duplex {

using detail::RouterStack;

namespace {

detail::PathPattern compile(std::string_view path, const RouterOptions& o, bool end) {
    detail::PatternError err;
    auto p = detail::PathPattern::compile(path.empty() ? "/" : path, {o.case_sensitive, o.strict, end}, &err);
    if (!p) {
        throw std::invalid_argument("invalid route pattern '" + std::string(path) + "' at byte " +
                                    std::to_string(err.offset) + ": " + std::string(err.reason));
    }
    return std::move(*p);
}

}  // namespace

Router::Router(RouterOptions options) : stack_(std::make_shared<RouterStack>()) { stack_->options = options; }

void Router::add_route(std::string_view method, std::string_view path, Middleware fn) {
    std::uint16_t bits = method.empty() ? 0xFFFF : detail::method_bit(method);
    if (bits == 0) throw std::invalid_argument("unsupported route method '" + std::string(method) + "'");
    stack_->layers.push_back({RouterStack::Kind::Route, bits, compile(path, stack_->options, true), std::move(fn), {}, {},
                              detail::route_id(path), {}});
}

void Router::add_stream_route(std::string_view method, std::string_view path, StreamBody body) {
    // A layer that only passes the request on: the marker matters before the walk (find_stream_route).
    add_route(method, path, [](Request&, Response&, Next next) { next(); });
    stack_->layers.back().streams = true;
    stack_->layers.back().stream_limit = body.max_body_bytes;
}

std::optional<std::uint64_t> Router::stream_limit(const Request& req) const {
    const RouterStack::Layer* layer = detail::find_stream_route(*stack_, req, 0);
    if (!layer) return std::nullopt;
    return layer->stream_limit;
}

bool Router::has_stream_routes() const { return detail::has_stream_routes(*stack_); }

Router& Router::use(std::string_view prefix, Middleware fn) {
    stack_->layers.push_back({RouterStack::Kind::Middleware, 0, compile(prefix, stack_->options, false), std::move(fn), {}, {}});
    return *this;
}

Router& Router::use(std::string_view prefix, const Router& sub) {
    if (sub.stack_ == stack_) throw std::invalid_argument("a router cannot be mounted on itself");
    stack_->layers.push_back({RouterStack::Kind::Mount, 0, compile(prefix, stack_->options, false), {}, {},
                              sub.stack_, detail::route_id(prefix), {}});
    return *this;
}

Router& Router::use_error(std::string_view prefix, ErrorHandler fn) {
    stack_->layers.push_back({RouterStack::Kind::Error, 0, compile(prefix, stack_->options, false), {}, std::move(fn), {}});
    return *this;
}

void Router::handle(Request& req, Response& res, std::function<void(std::optional<Error>)> done) const {
    auto walk = std::make_shared<detail::RouterWalk>(stack_, req, res, 0, std::move(done));
    walk->next(0, std::nullopt);
}

void Router::handle(Request& req, Response& res, Done done) const {
    auto walk = std::make_shared<detail::RouterWalk>(stack_, req, res, 0, done);
    walk->next(0, std::nullopt);
}

void Next::operator()() const {
    if (walk_) walk_->next(step_, std::nullopt);
}

void Next::operator()(const Error& err) const {
    if (walk_) walk_->next(step_, err);
}

}  // namespace duplex
