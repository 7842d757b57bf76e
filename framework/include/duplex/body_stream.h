/// @file
/// duplex::BodyStream: a request body read as it arrives, with backpressure that reaches TCP. Opt in per route
/// with body::stream() (duplex/body.h); the route's handlers then run as soon as the request's head is in, and
/// take the body through req.body_stream() instead of req.body().
///
/// Lifetime: a small copyable handle on state shared with the connection; copies may be kept anywhere (in the
/// callbacks themselves, in a Response's on_finish). After the connection has gone, pause/resume are no-ops and
/// the error callback has run. Callbacks are dropped once the body ended or failed, so a handle they capture
/// does not keep itself alive. Threads: loop thread only.
#pragma once

#include "duplex/error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace duplex {

namespace detail { class BodyPipe; }

/// Marks a route's request body as streamed (made by body::stream(); see duplex/body.h).
struct StreamBody {
    /// The most body bytes this route takes (Content-Length or chunked); 0: HttpOptions::max_body_bytes.
    std::uint64_t max_body_bytes = 0;
};

/// The body of one request as a stream. See the file comment for its lifetime.
class BodyStream {
public:
    /// A chunk of the body, in order. Setting it starts the flow (and answers `Expect: 100-continue` with
    /// 100) unless pause() was called. The view is valid during the call only.
    BodyStream& on_data(std::function<void(std::string_view chunk)> fn);
    /// The whole body has arrived (after the last on_data). Runs at once when it already has.
    BodyStream& on_end(std::function<void()> fn);
    /// The body will not complete: the client left (400), body_timeout passed (408), the route's limit was
    /// crossed (413) or the framing was bad (400). Runs at once when that already happened. No on_end follows.
    BodyStream& on_error(std::function<void(const Error& err)> fn);

    /// Stops the flow: no on_data until resume(); the connection stops reading its socket, so the client's
    /// sending stalls once the kernel buffers fill (one read's worth at most is held here meanwhile).
    void pause();
    /// Restarts the flow after pause() (answers a pending `Expect: 100-continue` too).
    void resume();

    /// True after pause() until resume().
    bool paused() const;
    /// True once on_end's condition holds: the whole body arrived and was delivered.
    bool ended() const;
    /// True once the body failed (see on_error).
    bool failed() const;
    /// Body bytes received so far (delivered or held while paused).
    std::uint64_t received() const;

private:
    friend class Request;
    explicit BodyStream(std::shared_ptr<detail::BodyPipe> pipe) : pipe_(std::move(pipe)) {}
    std::shared_ptr<detail::BodyPipe> pipe_;
};

}  // namespace duplex
