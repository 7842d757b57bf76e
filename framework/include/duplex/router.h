/// @file
/// duplex::Router: an Express-style ordered stack of layers (path matcher + function). A request walks the stack
/// in order; next() moves on, next(err) (or a thrown exception) skips to error layers registered with
/// use_error(). Sub-routers mount at a prefix with use("/api", router).
///
/// Handlers take (Request&, Response&) and finish the response; middlewares take (Request&, Response&, Next)
/// and either finish it or call next. Both may keep the Response and Next and continue later on the loop.
///
/// Lifetime: a Router is a handle on a shared stack: copies (including the one app.use keeps) share it.
/// Register layers before serving requests. Threads: loop thread only.
#pragma once

#include "duplex/error.h"
#include "duplex/request.h"
#include "duplex/response.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace duplex {

namespace detail { class RouterWalk; struct RouterStack; }

/// Continues the walk. Calling it twice, or after the response finished, does nothing.
class Next {
public:
    /// Moves on to the next matching layer.
    void operator()() const;
    /// Skips to the error layers with err pending.
    void operator()(const Error& err) const;

private:
    friend class detail::RouterWalk;
    Next(std::shared_ptr<detail::RouterWalk> walk, std::size_t step) : walk_(std::move(walk)), step_(step) {}
    std::shared_ptr<detail::RouterWalk> walk_;
    std::size_t step_;
};

/// A route's final function: answers through the Response.
using Handler = std::function<void(Request&, Response&)>;
/// A layer that answers or calls next() (or next(err)).
using Middleware = std::function<void(Request&, Response&, Next)>;
/// An error layer: runs only while an error is pending; answers, or passes it on with next(err).
using ErrorHandler = std::function<void(const Error&, Request&, Response&, Next)>;

/// How a Router matches paths.
struct RouterOptions {
    bool case_sensitive = false;  ///< "/About" matches "/about" unless set
    bool strict = false;          ///< "/a/" matches "/a" unless set
};

/// An ordered stack of routes, middlewares, error layers and mounted sub-routers. See the file comment.
class Router {
public:
    /// An empty stack.
    explicit Router(RouterOptions options = {});

    /// Routes: each function is a Handler or a Middleware; several run in order (e.g. a body parser, then
    /// the handler). GET routes answer HEAD too. An invalid pattern throws std::invalid_argument.
    /// Patterns: `:name` is one segment (req.param("name")), `*name` the rest of the path.
    ///@{
    template <class... Fs> Router& get(std::string_view path, Fs&&... fns) { return route("GET", path, std::forward<Fs>(fns)...); }
    template <class... Fs> Router& post(std::string_view path, Fs&&... fns) { return route("POST", path, std::forward<Fs>(fns)...); }
    template <class... Fs> Router& put(std::string_view path, Fs&&... fns) { return route("PUT", path, std::forward<Fs>(fns)...); }
    template <class... Fs> Router& patch(std::string_view path, Fs&&... fns) { return route("PATCH", path, std::forward<Fs>(fns)...); }
    template <class... Fs> Router& del(std::string_view path, Fs&&... fns) { return route("DELETE", path, std::forward<Fs>(fns)...); }
    template <class... Fs> Router& options(std::string_view path, Fs&&... fns) { return route("OPTIONS", path, std::forward<Fs>(fns)...); }
    ///@}
    /// Every method.
    template <class... Fs> Router& all(std::string_view path, Fs&&... fns) { return route("", path, std::forward<Fs>(fns)...); }

    /// A route for one method given by name ("GET"; "" for every method).
    template <class... Fs>
    Router& route(std::string_view method, std::string_view path, Fs&&... fns) {
        (add(method, path, std::forward<Fs>(fns)), ...);
        return *this;
    }

    /// Middleware for every path, or for a prefix (matched at segment boundaries; inside it,
    /// req.route_path() is the rest of the path).
    ///@{
    Router& use(Middleware fn) { return use("/", std::move(fn)); }
    Router& use(std::string_view prefix, Middleware fn);
    ///@}
    /// Mounts a sub-router at a prefix.
    Router& use(std::string_view prefix, const Router& sub);
    /// Error layers: run only while an error is pending (thrown, or passed to next(err)).
    ///@{
    Router& use_error(ErrorHandler fn) { return use_error("/", std::move(fn)); }
    Router& use_error(std::string_view prefix, ErrorHandler fn);
    ///@}

    /// Runs the stack for one request; `done` gets the pending error (or none) if no layer finished it.
    void handle(Request& req, Response& res, std::function<void(std::optional<Error>)> done) const;
    /// The end of a walk no layer finished: the request, the response, the pending error (if any), and the value
    /// of an Allow header naming the methods of the routes whose path matched but whose method did not ("GET,
    /// HEAD, OPTIONS"; "" when there were none: a 404 rather than a 405).
    using Done = void (*)(Request&, Response&, const std::optional<Error>&, std::string_view allow);
    /// The same with a plain function as the end, given the request and response as well: nothing to allocate
    /// per request for it (the servers use this with their final handler).
    void handle(Request& req, Response& res, Done done) const;

    /// The body limit of the body::stream() route this request would reach, looked up by method and path when
    /// its head is in (nullopt: no such route; the body is read whole first). The servers ask this.
    std::optional<std::uint64_t> stream_limit(const Request& req) const;
    /// True when this router, or one mounted in it, has a body::stream() route.
    bool has_stream_routes() const;

private:
    template <class F>
    void add(std::string_view method, std::string_view path, F&& f) {
        if constexpr (std::is_same_v<std::decay_t<F>, StreamBody>) add_stream_route(method, path, f);
        else add_route(method, path, to_middleware(std::forward<F>(f)));
    }
    void add_stream_route(std::string_view method, std::string_view path, StreamBody body);
    template <class F>
    static Middleware to_middleware(F&& f) {
        if constexpr (std::is_invocable_v<F&, Request&, Response&, Next>) {
            return Middleware(std::forward<F>(f));
        } else {
            static_assert(std::is_invocable_v<F&, Request&, Response&>,
                          "a route function takes (Request&, Response&) or (Request&, Response&, Next)");
            return [h = Handler(std::forward<F>(f))](Request& q, Response& r, Next) { h(q, r); };
        }
    }
    void add_route(std::string_view method, std::string_view path, Middleware fn);

    std::shared_ptr<detail::RouterStack> stack_;
};

}  // namespace duplex
