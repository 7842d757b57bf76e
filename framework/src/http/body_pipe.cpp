#include "http/body_pipe.h"

#include "duplex/body_stream.h"
#include "duplex/log.h"
#include "duplex/request.h"
#include "http/http_session.h"

#include <cstdio>
#include <exception>
#include <utility>

namespace duplex {

namespace {
// Another route's handler asking for a stream is a programming error, answered as one.
const std::shared_ptr<detail::BodyPipe>& need(const std::shared_ptr<detail::BodyPipe>& p) {
    if (!p) throw Error(500, "req.body_stream() on a route without body::stream()");
    return p;
}
}  // namespace

BodyStream Request::body_stream() { return BodyStream(need(pipe_)); }

BodyStream& BodyStream::on_data(std::function<void(std::string_view)> fn) {
    pipe_->on_data = std::move(fn);
    pipe_->flow_changed();
    return *this;
}

BodyStream& BodyStream::on_end(std::function<void()> fn) {
    pipe_->on_end = std::move(fn);
    pipe_->settle();
    return *this;
}

BodyStream& BodyStream::on_error(std::function<void(const Error&)> fn) {
    pipe_->on_error = std::move(fn);
    pipe_->settle();
    return *this;
}

void BodyStream::pause() {
    pipe_->paused = true;
    pipe_->flow_changed();
}

void BodyStream::resume() {
    pipe_->paused = false;
    pipe_->flow_changed();
}

bool BodyStream::paused() const { return pipe_->paused; }
bool BodyStream::ended() const { return pipe_->ended(); }
bool BodyStream::failed() const { return pipe_->failed(); }
std::uint64_t BodyStream::received() const { return pipe_->received(); }

}  // namespace duplex

namespace duplex::detail {

namespace {
// User callbacks run under libuv's read callback: nothing may escape. A throw ends the connection.
template <class F> bool guarded(F&& f) {
    try {
        f();
        return true;
    } catch (const std::exception& e) {
        logf(LogLevel::error, "exception in a body stream callback: %s", e.what());
    } catch (...) {
        duplex::log(LogLevel::error, "exception in a body stream callback");
    }
    return false;
}
}  // namespace

void BodyPipe::deliver(std::string_view bytes) {
    if (failed_ || done_) return;  // the rest of a buffer after the response cut the body short
    received_ += bytes.size();
    if (!flowing() || delivering_ || !held_.empty()) {
        held_.append(bytes);
        return;
    }
    delivering_ = true;
    const bool ok = guarded([&] { on_data(bytes); });
    delivering_ = false;
    if (!ok) fail(Error(500, "exception in on_data"));
    if (failed_ || done_) on_data = nullptr;  // kept while it ran (see settle)
}

void BodyPipe::end() {
    end_seen_ = true;
    drain_held();
}

void BodyPipe::fail(const Error& err) {
    if (failed_ || done_) return;
    failed_ = true;
    held_.clear();
    error_ = err;
    HttpSession* s = std::exchange(session, nullptr);
    settle();
    if (s && err.status() == 500) s->abort();
}

void BodyPipe::flow_changed() {
    if (flowing() && expect_continue && session) {
        expect_continue = false;
        session->send_continue();
    }
    drain_held();
    if (session) session->body_flow_changed();
}

void BodyPipe::drain_held() {
    if (delivering_) return;  // the delivering call picks the rest up when it returns
    while (flowing() && !held_.empty()) {
        std::string chunk;
        chunk.swap(held_);
        delivering_ = true;
        const bool ok = guarded([&] { on_data(chunk); });
        delivering_ = false;
        if (!ok) fail(Error(500, "exception in on_data"));
        if (failed_ || done_) {
            on_data = nullptr;
            return;
        }
    }
    if (end_seen_ && held_.empty() && !done_ && !failed_) finish();
}

void BodyPipe::finish() {
    done_ = true;
    session = nullptr;
    settle();
}

void BodyPipe::settle() {
    if (done_ && on_end) {
        auto fn = std::move(on_end);
        if (!delivering_) on_data = nullptr;  // a running on_data is dropped when it returns
        on_error = nullptr;
        on_end = nullptr;
        if (!guarded(fn)) duplex::log(LogLevel::error, "the body's on_end threw");
    } else if (failed_ && on_error) {
        auto fn = std::move(on_error);
        if (!delivering_) on_data = nullptr;
        on_end = nullptr;
        on_error = nullptr;
        guarded([&] { fn(*error_); });
    }
}

}  // namespace duplex::detail
