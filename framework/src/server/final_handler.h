// The answer when the router walk ends without one: 404, 405 + Allow, automatic OPTIONS, or the pending
// error (JSON when the client accepts JSON, text otherwise; 5xx details are logged, not sent).
// Threads: loop thread only.
#pragma once

#include "duplex/error.h"
#include "duplex/request.h"
#include "duplex/response.h"

#include <optional>
#include <string_view>

namespace duplex::detail {

void final_handler(Request& req, Response& res, const std::optional<Error>& err, std::string_view allow);

}  // namespace duplex::detail
