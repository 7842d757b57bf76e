// BodyTransform: a rewrite of a response body on its way out (a content coding), installed on an Exchange by a
// middleware before the head is written (MiddlewareAccess::set_transform). The response writer asks it once, right
// before serializing the head, whether it takes the body (begin), then hands it every body byte (apply). An Exchange
// without one pays a single null check.
//
// Lifetime: owned by the Exchange (unique_ptr), dropped when it declines, when the body has ended, and when the
// exchange is reset for the next request. Threads: loop thread only, like the Exchange.
#pragma once

#include "http/response_head.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace duplex::detail {

class BodyTransform {
public:
    virtual ~BodyTransform() = default;

    /// Called once, right before the head is serialized, while headers can still change (through `head`).
    /// `body_size` is the whole body's size (send, json, end), or -1 for a stream (a Content-Length the handler
    /// set is in `head`). Returns true to take the body: the transform then removes any Content-Length and sets
    /// its own headers; false lets the body pass unchanged and drops the transform.
    virtual bool begin(ResponseHead& head, std::int64_t body_size) = 0;

    /// Appends what `in` becomes to `out`. `last`: the body ends here (`in` may be empty). What a call appends
    /// is complete for the bytes given so far, so a streamed body keeps streaming.
    virtual void apply(std::string_view in, bool last, std::string& out) = 0;

    /// For bodies that are sent again and again unchanged (cached static files), so their sender can keep the
    /// transformed form: a short name for the form begin() would choose for a whole body of `size` bytes of
    /// `content_type` under `head` (e.g. "br"), or "" when it would leave such a body alone.
    virtual std::string_view form_for(const ResponseHead& head, std::string_view content_type,
                                      std::uint64_t size) const {
        (void)head, (void)content_type, (void)size;
        return {};
    }

    /// Appends to `out` the form form_for() named of the whole `body`, made to be kept (so at the transform's
    /// best, however long that takes once). False when the transform makes no such form.
    virtual bool make_form(std::string_view body, std::string& out) const {
        (void)body, (void)out;
        return false;
    }
};

}  // namespace duplex::detail
