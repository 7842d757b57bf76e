// duplex::EventStream (duplex/sse.h): events written through the Response like any streamed body, a heartbeat
// timer on the connection's loop, and the close notice taken from the Response's on_finish.
#include "duplex/request.h"
#include "duplex/sse.h"

#include "http/middleware_access.h"
#include "http/sse_encoder.h"
#include "loop/loop_core.h"
#include "util/buffer_capacity.h"

#include <stdexcept>
#include <utility>

namespace duplex {

using detail::MiddlewareAccess;

struct EventStream::State : std::enable_shared_from_this<State> {
    Response res;
    detail::LoopCore* loop = nullptr;  // set while a heartbeat timer runs
    std::uint64_t timer = 0;
    bool ended = false;
    bool wrote = false;  // something went out since the last heartbeat tick
    std::function<void(bool)> on_close;

    explicit State(Response r) : res(std::move(r)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        stop_heartbeat();
        if (!ended) res.end();  // the last handle went: end the answer cleanly rather than as a dropped one
    }

    void stop_heartbeat() {
        if (loop && timer != 0) loop->clear_timer(timer);
        timer = 0;
    }

    SendResult write(std::string_view bytes) {
        if (ended) return SendResult::Closed;
        wrote = true;
        return res.write(bytes);
    }

    void heartbeat() {
        // Only a quiet stream needs one, and one stuck behind unsent bytes would add nothing.
        if (!std::exchange(wrote, false) && res.buffered_amount() == 0) {
            write(":\n");
            wrote = false;
        }
    }

    // The response finished (close(), a server shutdown) or its connection died.
    void finished(bool completed) {
        if (ended && !on_close) return;
        ended = true;
        stop_heartbeat();
        auto keep = shared_from_this();  // on_close may drop the last handle
        if (auto fn = std::exchange(on_close, nullptr)) fn(!completed);
    }
};

namespace {

// One event's bytes, built in a buffer that keeps its capacity (no allocation per event); write() copies them out
// before anything else can use it.
std::string& scratch() {
    thread_local std::string out;
    out.clear();
    return out;
}

SendResult write_scratch(EventStream::State& s, std::string& out) {
    const SendResult r = s.write(out);
    detail::release_if_over(out, detail::scratch_keep_bytes);
    return r;
}

}  // namespace

EventStream sse(Response& res, const SseOptions& options) {
    auto state = std::make_shared<EventStream::State>(res);
    EventStream stream(state);
    if (res.headers_sent() || !res.connected() || res.finished()) {
        state->ended = true;
        return stream;
    }
    res.set("Content-Type", "text/event-stream").set("Cache-Control", "no-cache, no-transform");
    res.set("X-Accel-Buffering", "no");  // nginx: pass each event on at once
    if (res.req().method() == "HEAD") {  // the head a GET would get, and nothing to stream
        state->ended = true;
        res.end();
        return stream;
    }
    MiddlewareAccess::mark_endless(res);
    std::weak_ptr<EventStream::State> weak = state;
    res.on_finish([weak](bool completed) {
        if (auto s = weak.lock()) s->finished(completed);
    });
    std::string& out = scratch();
    if (options.retry) detail::encode_retry(out, *options.retry);
    write_scratch(*state, out);  // the head now, so the browser's EventSource opens
    if (options.heartbeat.count() > 0 && !state->ended) {
        state->loop = MiddlewareAccess::loop(res);
        const auto ms = static_cast<std::uint64_t>(options.heartbeat.count());
        state->timer = state->loop->set_timer(ms, ms, [weak] {
            if (auto s = weak.lock()) s->heartbeat();
        }, true);
    }
    state->wrote = false;
    return stream;
}

SendResult EventStream::send(const SseEvent& event) {
    std::string& out = scratch();
    if (!detail::encode_event(out, event)) throw std::invalid_argument("sse: a line break in the event name or id");
    return write_scratch(*state_, out);
}

SendResult EventStream::comment(std::string_view text) {
    std::string& out = scratch();
    detail::encode_comment(out, text);
    return write_scratch(*state_, out);
}

void EventStream::on_drain(std::function<void()> fn) {
    if (!state_->ended) state_->res.on_drain(std::move(fn));
}

void EventStream::on_close(std::function<void(bool)> fn) {
    if (!state_->ended) state_->on_close = std::move(fn);
}

void EventStream::close() {
    if (state_->ended) return;
    state_->ended = true;
    state_->stop_heartbeat();
    state_->res.on_drain(nullptr);
    state_->res.end();  // on_finish tells State::finished, now or once the answer is out
}

std::string_view EventStream::last_event_id() const { return state_->res.req().header("last-event-id"); }

bool EventStream::connected() const { return !state_->ended && state_->res.connected(); }

std::size_t EventStream::buffered_amount() const { return state_->res.buffered_amount(); }

Request& EventStream::req() const { return state_->res.req(); }

}  // namespace duplex
