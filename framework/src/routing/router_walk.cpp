#include "routing/router_stack.h"

#include "http/request_setters.h"

#include <cstdio>
#include <exception>
#include <utility>

namespace duplex::detail {

namespace {
constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
}

std::uint16_t method_bit(std::string_view method) {
    for (std::size_t i = 0; i < std::size(kMethods); ++i)
        if (kMethods[i] == method) return static_cast<std::uint16_t>(1u << i);
    return 0;
}

std::string allow_header(std::uint16_t mask) {
    if (mask & method_bit("GET")) mask |= method_bit("HEAD");
    mask |= method_bit("OPTIONS");
    std::string out;
    for (std::size_t i = 0; i < std::size(kMethods); ++i) {
        if (!(mask & (1u << i))) continue;
        if (!out.empty()) out.append(", ");
        out.append(kMethods[i]);
    }
    return out;
}

namespace {
// Captures of the layer being tried, copied into the request before any layer function runs, so one list
// per thread serves every walk (nested and later ones included) and keeps its capacity: no allocation per
// request for matching.
NameValueList& match_scratch() {
    thread_local NameValueList scratch;
    return scratch;
}

// Synchronous next() calls nested on this thread's stack, over every walk (mounts make walks of their own).
thread_local unsigned sync_depth = 0;
// Up to this many nested calls, next() runs the next layer at once, as Express does; deeper, it returns at once
// and the walk's running loop takes the next layer: the stack stays bounded however long the chain.
constexpr unsigned kMaxSyncDepth = 64;

struct DepthScope {
    unsigned& walk_loops;
    explicit DepthScope(unsigned& loops) : walk_loops(loops) { ++walk_loops, ++sync_depth; }
    ~DepthScope() { --walk_loops, --sync_depth; }
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;
};
}  // namespace

const RouterStack::Layer* find_stream_route(const RouterStack& stack, const Request& req, std::size_t base) {
    const std::uint16_t method = method_bit(req.method());
    for (const RouterStack::Layer& layer : stack.layers) {
        const bool route = layer.kind == RouterStack::Kind::Route && layer.streams && (layer.methods & method);
        if (!route && layer.kind != RouterStack::Kind::Mount) continue;
        std::string_view path = req.path().substr(std::min(base, req.path().size()));
        if (path.empty()) path = "/";
        MatchResult m = layer.pattern.match(path, match_scratch());
        if (!m.matched()) continue;
        if (route) return &layer;
        if (const RouterStack::Layer* inner = find_stream_route(*layer.sub, req, base + m.consumed)) return inner;
    }
    return nullptr;
}

bool has_stream_routes(const RouterStack& stack) {
    for (const RouterStack::Layer& layer : stack.layers)
        if (layer.streams || (layer.kind == RouterStack::Kind::Mount && has_stream_routes(*layer.sub))) return true;
    return false;
}

// Runs one layer function; whatever it throws becomes the pending error (never escapes into libuv).
template <class F>
void RouterWalk::call(F&& f) {
    std::size_t step = step_;
    try {
        f(Next(shared_from_this(), step));
    } catch (const Error& e) {
        next(step, e);
    } catch (const std::exception& e) {
        next(step, Error(500, e.what()));
    } catch (...) {
        next(step, Error(500, "unknown exception"));
    }
}

void RouterWalk::next(std::size_t step, std::optional<Error> err) {
    if (step != step_ || res_.finished()) return;  // a stale Next, or the answer is already given
    ++step_;
    if (err) err_ = std::move(err);
    // Express's order (the next layer runs inside next(), code after it runs after the layers below) while the
    // stack is shallow. Past kMaxSyncDepth, and only when a loop of this walk is on the stack to go on with it,
    // next() returns at once: that loop takes the next layer when the caller returns, so a chain of any length
    // runs in bounded stack depth.
    if (loops_ > 0 && sync_depth >= kMaxSyncDepth) {
        resume_ = true;
        return;
    }
    auto keep = shared_from_this();  // the layer's Next may be the last owner: the loop outlives it
    DepthScope scope(loops_);
    do {
        resume_ = false;
        step_once();
    } while (resume_ && !res_.finished());
}

void RouterWalk::step_once() {
    RequestRouting::set_mount_offset(req_, base_);
    // What every layer of this walk matches against: base_ only changes between walks.
    const std::string_view path = path_at(req_, base_);
    NameValueList& scratch = match_scratch();
    while (index_ < stack_->layers.size()) {
        const RouterStack::Layer& layer = stack_->layers[index_++];
        if ((layer.kind == RouterStack::Kind::Error) != err_.has_value()) {
            // Error layers only while an error is pending; mounts also see errors (their error layers may
            // answer them), everything else is skipped.
            if (!(layer.kind == RouterStack::Kind::Mount && err_)) continue;
        }
        if (layer.pattern.has_long_lead()) {
            if (long_leads_ < 2 && ++long_leads_ == 2) head_ = head_of(*stack_, req_, base_);
            // From the second such layer on: its leading literal differs from the path's? One compare, no match().
            if (long_leads_ == 2 && !layer.pattern.may_match(head_)) continue;
        }
        MatchResult m = layer.pattern.match(path, scratch);
        if (m.status == MatchStatus::BadRequest && !err_) {
            err_ = Error(400, "malformed percent-encoding in the path");
            continue;
        }
        if (!m.matched()) continue;
        switch (layer.kind) {
        case RouterStack::Kind::Route: {
            if (!(layer.methods & accepted_)) {
                *allow_to_ |= layer.methods;
                continue;
            }
            RequestRouting::set_route(req_, prefix_name == 0 ? layer.name : layer.joined.join(prefix_name, layer.name));
            Request::Pairs& params = RequestRouting::params(req_);
            params.resize(scratch.size());
            for (std::size_t i = 0; i < scratch.size(); ++i) {
                params[i].first.assign(scratch[i].name);
                params[i].second.assign(scratch[i].value);
            }
            call([&](Next n) { layer.fn(req_, res_, std::move(n)); });
            return;
        }
        case RouterStack::Kind::Middleware:
            RequestRouting::set_mount_offset(req_, base_ + m.consumed);
            call([&](Next n) { layer.fn(req_, res_, std::move(n)); });
            return;
        case RouterStack::Kind::Error:
            RequestRouting::set_mount_offset(req_, base_ + m.consumed);
            call([&](Next n) { layer.error_fn(*err_, req_, res_, std::move(n)); });
            return;
        case RouterStack::Kind::Mount: {
            auto self = shared_from_this();
            std::size_t step_now = step_;
            auto sub = std::make_shared<RouterWalk>(layer.sub, req_, res_, base_ + m.consumed,
                [self, step_now](std::optional<Error> e) { self->next(step_now, std::move(e)); });
            sub->prefix_name = prefix_name == 0 ? layer.name : layer.joined.join(prefix_name, layer.name);
            sub->allow_to_ = allow_to_;
            sub->next(0, err_);
            return;
        }
        }
    }
    if (auto plain = std::exchange(plain_done_, nullptr)) {
        plain(req_, res_, err_, *allow_to_ ? allow_header(*allow_to_) : std::string());
        return;
    }
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(err_));
}

}  // namespace duplex::detail
