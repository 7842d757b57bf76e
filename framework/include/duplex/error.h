/// duplex::Error: a failure with one number and a message, shared by both protocols.
/// - HTTP: thrown by handlers or passed to next(err); the router turns it into the response (error layers first,
///   then the final handler). The number is an HTTP status: status() is the one to answer with.
/// - WebSocket: what onerror receives. The number is the close code the connection ends with (CloseCode, e.g.
///   1002, 1009, or 1006 when a client could not connect): read it with code(). status() means nothing there
///   (it reports 500, as for any number outside 400-599).
/// One type rather than two because user code passes both through the same logging and metrics paths; the
/// callback it arrives in says which kind of number code() holds.
//
/// Lifetime: plain value type. Threads: any.
#pragma once

#include <exception>
#include <string>
#include <utility>

namespace duplex {

/// An error with an HTTP status (or a WebSocket close code) and a message for the client.
class Error : public std::exception {
public:
    /// An error answered with `status` (400-599) and `message`.
    Error(int status, std::string message) : status_(status), message_(std::move(message)) {}
    /// A 500 error.
    explicit Error(std::string message) : Error(500, std::move(message)) {}

    /// HTTP status to answer with (400-599); anything else is answered as 500.
    int status() const { return status_ >= 400 && status_ <= 599 ? status_ : 500; }
    /// The message (for 5xx, the final handler logs it and sends a generic text instead).
    const std::string& message() const { return message_; }
    /// The number as given: an HTTP status for HTTP errors, the close code for WebSocket errors.
    int code() const { return status_; }
    /// The message, for std::exception handlers.
    const char* what() const noexcept override { return message_.c_str(); }

private:
    int status_;
    std::string message_;
};

/// What a send/write did with the bytes it was given (HTTP streaming and WebSocket alike).
enum class SendResult {
    Queued,        ///< accepted; buffered amount is below the high-water mark
    Backpressure,  ///< accepted, but the buffered amount is above the high-water mark: wait for the drain event
    Dropped,       ///< refused by the backpressure policy (nothing queued); the connection stays open
    NotOpen,       ///< the connection is not open yet (WebSocket CONNECTING): nothing queued
    Closed,        ///< the connection is closing or gone: nothing queued, nothing will be
};

}  // namespace duplex
