// MiddlewareAccess: the few things the built-in middleware (and the event stream) do to a response below the public
// API, one named operation each, and nothing more: no caller gets the Exchange behind the Response. Compression
// installs a body transform (or, when it codes nothing, adds Vary before the head); CORS adds to Vary; sessions
// write Set-Cookie right before the head; the access log watches the response end; multipart uploads and the static
// file sender reach the connection's loop; an event stream marks its response endless. Handlers and the rest of the
// framework go through Response, the static file sender through FileAnswer (http/file_answer.h).
// Threads: loop thread only, like the Response; each call on a finished response or a gone peer is harmless.
#pragma once

#include "duplex/response.h"
#include "http/response_head.h"

#include <memory>
#include <string_view>

namespace duplex::detail {

class BodyTransform;
class LoopCore;
class ResponseObserver;

struct MiddlewareAccess {
    // Runs fn once, right before the status line and headers are written, while headers can still be set (several
    // run in reverse order of registration). A plain function, so the usual single hook is kept without allocating.
    // fn must not throw and must not send or end the response. Nothing once the head is sent.
    using HeadHook = void (*)(ResponseHead& head);
    static void on_headers(Response& res, HeadHook fn);
    // Adds `field` to the response's Vary (ResponseHead::add_vary).
    static void add_vary(Response& res, std::string_view field);
    // Installs the transform that takes the body on its way out (see BodyTransform), replacing any earlier one.
    static void set_transform(Response& res, std::unique_ptr<BodyTransform> transform);
    // Tells `observer` when this response has been completely handed to the connection (see ResponseObserver).
    static void set_observer(Response& res, std::shared_ptr<ResponseObserver> observer);
    // The loop of the response's connection (timers, libuv's thread pool); null once the connection is gone.
    static LoopCore* loop(const Response& res) noexcept;
    // An event stream: the response has no end of its own to wait for, so the peer's EOF ends the connection at once
    // and a server shutting down ends the response cleanly instead of waiting for it.
    static void mark_endless(Response& res) noexcept;
};

}  // namespace duplex::detail
