#include "server/final_handler.h"

#include "duplex/json.h"
#include "duplex/log.h"

namespace duplex::detail {

namespace {

void answer(Request& req, Response& res, int status, const std::string& message) {
    // The message may echo the request's path: never let a browser sniff it into HTML.
    res.status(status).set("X-Content-Type-Options", "nosniff");
    if (req.header("accept").find("json") != std::string_view::npos) {
        res.json({{"error", message}});
    } else {
        res.send(message + "\n");
    }
}

}  // namespace

void final_handler(Request& req, Response& res, const std::optional<Error>& err, std::string_view allow) {
    if (res.finished()) return;
    if (err) {
        int status = err->status();
        std::string message = err->message();
        if (status >= 500) {
            duplex::logf(duplex::LogLevel::error, "duplex: %.*s %.*s -> %d: %s", static_cast<int>(req.method().size()),
                         req.method().data(), static_cast<int>(req.path().size()), req.path().data(), status,
                         message.c_str());
            message = "Internal Server Error";
        }
        if (res.headers_sent()) {
            // Too late for a status: drop the connection so the client sees the body is incomplete.
            res.abort();
            return;
        }
        answer(req, res, status, message);
        return;
    }
    if (!allow.empty()) {
        res.set("Allow", allow);
        if (req.method() == "OPTIONS") {
            res.status(204).end();
            return;
        }
        answer(req, res, 405, "Method Not Allowed");
        return;
    }
    answer(req, res, 404, "Cannot " + std::string(req.method()) + " " + std::string(req.path()));
}

}  // namespace duplex::detail
