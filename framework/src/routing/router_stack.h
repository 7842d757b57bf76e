// RouterStack and RouterWalk: the layers of a Router, and one request's walk through them.
//
// RouterStack lives as long as any Router handle (or mounting router) refers to it; registered layers are
// immutable while requests run. A RouterWalk lives as long as a Next handle of it exists. Loop thread only.
#pragma once

#include "duplex/router.h"
#include "http/path_pattern.h"
#include "metrics/route_names.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace duplex::detail {

// Bit per method a route can name; an `all` route has every bit.
std::uint16_t method_bit(std::string_view method);
// "GET, HEAD, POST" for a mask (HEAD added with GET; OPTIONS always, since it is answered automatically).
std::string allow_header(std::uint16_t mask);

struct RouterStack {
    enum class Kind { Route, Middleware, Mount, Error };
    struct Layer {
        Kind kind;
        std::uint16_t methods;  // Route only: 0xFFFF for all
        PathPattern pattern;
        Middleware fn;
        ErrorHandler error_fn;
        std::shared_ptr<RouterStack> sub;
        std::uint32_t name = 0;  // Route and Mount: the pattern's id (metrics/route_names.h)
        RouteJoinCache joined;   // Route and Mount: this pattern's id under the mount prefix of the walk
        bool streams = false;         // a body::stream() marker: the route's body is streamed
        std::uint64_t stream_limit = 0;  // its limit (0: HttpOptions::max_body_bytes)
    };
    RouterOptions options;
    std::vector<Layer> layers;
};

// The stream marker the request's method and path reach, walking mounts (nullptr: none). No layer runs.
const RouterStack::Layer* find_stream_route(const RouterStack& stack, const Request& req, std::size_t base);
bool has_stream_routes(const RouterStack& stack);

class RouterWalk : public std::enable_shared_from_this<RouterWalk> {
public:
    RouterWalk(std::shared_ptr<const RouterStack> stack, Request& req, Response res, std::size_t base,
               std::function<void(std::optional<Error>)> done)
        : stack_(std::move(stack)), req_(req), res_(std::move(res)), base_(base),
          accepted_(accepted_methods(req)), done_(std::move(done)) {}
    RouterWalk(std::shared_ptr<const RouterStack> stack, Request& req, Response res, std::size_t base,
               Router::Done done)
        : stack_(std::move(stack)), req_(req), res_(std::move(res)), base_(base),
          accepted_(accepted_methods(req)), plain_done_(done) {}

    // Continues from the current layer with an optional pending error; `step` guards against a Next called
    // twice (only the Next of the latest step may continue). Called while a layer of this walk runs (next()
    // called synchronously), it returns at once and the walk goes on when that layer returns: the stack does not
    // grow with the number of layers.
    void next(std::size_t step, std::optional<Error> err);
    // The id of the mount prefixes above this walk's stack (0 at the top): names the matched route.
    std::uint32_t prefix_name = 0;

private:
    template <class F> void call(F&& f);
    // Finds the next layer that applies and runs it, or ends the walk.
    void step_once();
    // What the layers of this walk match against: the path after the mounts above ("/" when nothing is left).
    static std::string_view path_at(const Request& req, std::size_t base) {
        std::string_view path = req.path().substr(std::min(base, req.path().size()));
        return path.empty() ? std::string_view("/") : path;
    }
    // The method bits a route must have to run for this request: a route for GET also answers HEAD.
    static std::uint16_t accepted_methods(const Request& req) {
        const std::uint16_t method = method_bit(req.method());
        return req.method() == "HEAD" ? method | method_bit("GET") : method;
    }
    static PathHead head_of(const RouterStack& stack, const Request& req, std::size_t base) {
        return PathHead::of(path_at(req, base), stack.options.case_sensitive);
    }

    std::shared_ptr<const RouterStack> stack_;
    Request& req_;  // kept alive by res_
    Response res_;
    std::size_t base_;  // bytes of the path consumed by the mounts above this stack
    // The first bytes of path_at(base_), to skip layers whose leading literal cannot match. Made at the second
    // layer with a leading literal longer than "/": the first is tried with match() alone (on a short route list it is
    // often the request's own), so a request that goes straight to its route pays nothing for the skip.
    PathHead head_;
    std::uint8_t long_leads_ = 0;  // such layers met so far, up to 2 (then head_ is made)
    std::uint16_t accepted_;  // accepted_methods(req_), once per walk
    std::function<void(std::optional<Error>)> done_;
    Router::Done plain_done_ = nullptr;  // instead of done_, when the caller has a plain function
    std::size_t index_ = 0;
    std::size_t step_ = 0;
    std::optional<Error> err_;
    // Methods of the routes whose path matched but whose method did not (405 / OPTIONS Allow). The walk the
    // request started keeps them; a mounted router's walk records into its parent's (which it keeps alive).
    std::uint16_t allow_ = 0;
    std::uint16_t* allow_to_ = &allow_;
    unsigned loops_ = 0;   // next()'s loops of this walk on the stack
    bool resume_ = false;  // a layer deep in the stack called next(): the innermost loop goes on when it returns
};

}  // namespace duplex::detail
