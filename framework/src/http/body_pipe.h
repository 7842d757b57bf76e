// BodyPipe: the state behind a public BodyStream: the user's callbacks, the flow (paused or not), bytes held
// while paused, and the end or error. The HttpSession pushes body bytes in (deliver, end, fail); the handle pulls
// the flow on and off (pause, resume), which the session turns into reading or not reading its socket.
//
// Lifetime: shared_ptr, held by the Request (for req.body_stream()) and by BodyStream handles. `session` is a
// back-pointer the session clears when it lets go of the body (end, error, connection gone), so a late handle
// reaches nothing. Threads: loop thread only.
#pragma once

#include "duplex/error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail {

class HttpSession;

class BodyPipe {
public:
    std::function<void(std::string_view)> on_data;
    std::function<void()> on_end;
    std::function<void(const Error&)> on_error;
    HttpSession* session = nullptr;
    bool expect_continue = false;  // a 100 is owed when the flow first starts
    bool paused = false;           // the handler's wish (pause/resume)

    // True while bytes may go to the handler: it listens and has not paused, and the body is still open.
    bool flowing() const { return on_data && !paused && !failed_ && !done_; }
    bool ended() const { return done_; }
    bool failed() const { return failed_; }
    std::uint64_t received() const { return received_; }

    // From the session: body bytes in order, the body's end, or why it will not end. Calls user code.
    void deliver(std::string_view bytes);
    void end();
    void fail(const Error& err);
    // From the handle: the flow may have started or stopped. Delivers what was held, then tells the session.
    void flow_changed();
    // Runs a callback registered after the fact (on_end/on_error when that already happened).
    void settle();

private:
    // Hands the held bytes (and a waiting end) to the handler while the flow allows.
    void drain_held();
    void finish();
    std::string held_;        // bytes that came while paused: at most what one socket read brought
    std::optional<Error> error_;
    std::uint64_t received_ = 0;
    bool end_seen_ = false;   // the session saw the end; it is passed on once held_ is delivered
    bool done_ = false;       // on_end ran (or will, once registered)
    bool failed_ = false;
    bool delivering_ = false;
};

}  // namespace duplex::detail
