// Exchange: one request and the state of its response, shared by the connection's pipeline and by the
// Response handles the application holds.
//
// Lifetime: shared_ptr; the HttpSession keeps it while it waits in the pipeline, Response handles keep it for
// as long as the application does. `session` is a weak back-pointer the session clears when it goes away, so
// a late handle writes nowhere. Threads: loop thread only.
#pragma once

#include "duplex/request.h"
#include "duplex/response.h"
#include "http/body_transform.h"
#include "http/response_observer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace duplex::detail {

class HttpSession;

struct Exchange {
    Request req;
    HttpSession* session = nullptr;
    int handles = 0;                 // live Response copies; 0 while unfinished -> answered with 500
    int status = 200;
    std::string head;                // user headers, serialized "Name: value\r\n" lines
    std::string out;                 // bytes waiting for this exchange's turn in the pipeline
    std::uint64_t body_bytes = 0;    // body bytes sent (access log)
    std::uint64_t started_ns = 0;    // uv_hrtime() at the request's head (latency metric, access log)
    bool headers_sent = false;
    bool finished = false;
    bool chunked = false;
    bool head_only = false;          // HEAD: headers as for GET, no body bytes
    bool keep_alive = true;
    bool close_after = false;        // Connection: close, then end the connection
    bool queued = false;             // in the session's pipeline
    bool endless = false;            // an event stream: only the peer leaving or the server ending it ends it
    bool body_open = false;          // a streamed request body still arriving: the answer closes the connection
    std::function<void()> on_drain;
    std::function<void(bool)> on_finish;
    std::unique_ptr<BodyTransform> transform;  // set by a middleware (compression); null on the usual path
    std::shared_ptr<ResponseObserver> observer;  // set by the access-log middleware; null on the usual path
    std::function<void()> before_head;  // runs once right before the head is written (detail::on_headers)

    // Ready for the next request on the same connection; keeps buffer capacity.
    void reset();
    // A new public handle on `ex` (the only way to make one: Response's constructor is private).
    static Response response(std::shared_ptr<Exchange> ex);
};

}  // namespace duplex::detail
