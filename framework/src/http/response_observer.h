// ResponseObserver: told when one response has been completely handed to the connection (the access-log
// middleware). Set per request on the Exchange by a middleware; unlike Response::on_finish it is not the user's
// slot and costs no allocation per request (a shared_ptr copy of an object made once).
//
// Lifetime: shared by the middleware that made it and the exchanges it watches. Threads: called on the loop
// thread of the connection.
#pragma once

#include "duplex/request.h"

#include <cstdint>
#include <uv.h>

namespace duplex::detail {

struct ResponseFacts {
    int status;
    std::uint64_t body_bytes;
    std::uint64_t elapsed_ns;  // from the request's head to the response handed to the connection
    uv_loop_t* loop;
};

class ResponseObserver {
public:
    virtual ~ResponseObserver() = default;
    // Must not throw.
    virtual void on_response_done(const Request& req, const ResponseFacts& facts) noexcept = 0;
};

}  // namespace duplex::detail
