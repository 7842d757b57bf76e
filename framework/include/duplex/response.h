/// @file
/// duplex::Response: a small copyable handle on the answer to one request.
///
/// Lifetime: the handle keeps its request and response state alive (not the connection). Keep a copy to answer
/// later (async handlers): finish it on the loop thread (from a timer, post(), another callback). When the last
/// copy of an unfinished Response is dropped, the request is answered with a logged 500 — never a hang.
/// After the peer has gone, every call is a harmless no-op and write() returns SendResult::Closed.
/// Threads: loop thread only (use EventLoop::post to get there from another thread).
#pragma once

#include "duplex/cookies.h"
#include "duplex/error.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace duplex {

class Request;
namespace detail { struct Exchange; class FileAnswer; struct MiddlewareAccess; }

/// The answer to one request: a copyable handle. See the file comment for its lifetime.
class Response {
public:
    /// Made by the framework for each request (see Exchange::response); copies share one response.
    ///@{
    Response(const Response& other);
    Response& operator=(const Response& other);
    ///@}
    /// Dropping the last copy of an unfinished response answers 500.
    ~Response();

    /// @name Head (ignored once headers were sent)
    ///@{
    /// Sets the status code (200 unless set).
    Response& status(int code);
    /// The status code set so far.
    int status_code() const;
    /// Replaces every value of the header; names are case-insensitive. A name that is not a token, or a
    /// value with CR, LF, NUL or another control byte (header injection), is refused: ignored and logged.
    Response& set(std::string_view name, std::string_view value);
    /// Adds one more line of the header (e.g. Set-Cookie).
    Response& append(std::string_view name, std::string_view value);
    /// Sets Content-Type.
    Response& type(std::string_view content_type) { return set("Content-Type", content_type); }
    /// Adds a Set-Cookie line (duplex/cookies.h: the value is encoded; a name that is not a token, or a path or
    /// domain that could split the header, throws std::invalid_argument).
    Response& cookie(std::string_view name, std::string_view value, const CookieOptions& options = {});
    /// Adds a Set-Cookie line that deletes the cookie set with the same path and domain (options.path/domain).
    Response& clear_cookie(std::string_view name, const CookieOptions& options = {});
    /// The current value of a response header, "" when unset.
    std::string get(std::string_view name) const;
    ///@}

    /// @name Whole bodies: each finishes the response
    ///@{
    /// Sends body; default Content-Type: text/plain; charset=utf-8.
    void send(std::string_view body);
    /// Sends body without copying it.
    void send(std::string&& body);
    /// Sends a C string.
    void send(const char* body) { send(std::string_view(body)); }
    /// application/json; charset=utf-8. Bytes of strings that are not valid UTF-8 are sent as U+FFFD. Building
    /// the value (`res.json({{"a", 1}})`) needs duplex/json.h (included by duplex.h).
    void json(const nlohmann::json& value);
    /// Location + a short body; status 302 unless given (301, 303, 307, 308).
    void redirect(std::string_view location, int status = 302);
    /// Status line and headers only (e.g. 204), or the end of a streamed body.
    void end();
    /// Sends a file with MIME type, validators, conditional and Range handling, streamed with backpressure
    /// (see static_files.h for options; the file must be readable). A missing file answers 404; one that cannot
    /// be opened throws duplex::Error (404 or 500).
    void send_file(const std::string& path);
    ///@}

    /// @name Streaming: chunked unless Content-Length was set
    ///@{
    /// Writes one piece of the body. Returns Queued, Backpressure (wait for on_drain before writing more) or Closed.
    SendResult write(std::string_view chunk);
    /// Runs fn once the buffered amount falls back under HttpOptions::write_high_water.
    void on_drain(std::function<void()> fn);
    /// Runs once when the response has been completely handed to the connection, or the connection died first
    /// (completed == false).
    void on_finish(std::function<void(bool completed)> fn);
    ///@}

    /// Drops the connection at once (no more bytes of this or later responses), like Node's res.destroy().
    void abort();

    /// True once the status line and headers were sent.
    bool headers_sent() const;
    /// True once the response is complete (send, json, end, ...).
    bool finished() const;
    /// False once the peer has gone.
    bool connected() const;
    /// Bytes of this response accepted and not yet handed to the kernel (0 when not at the head of the pipeline).
    std::size_t buffered_amount() const;

    /// The request this response answers (alive as long as this handle).
    Request& req() const;

private:
    friend struct detail::Exchange;   // makes the handles (Exchange::response)
    friend class detail::FileAnswer;  // the static file sender's few steps below this API
    friend struct detail::MiddlewareAccess;  // built-in middleware's named steps: transform, Vary, head hook, loop
    explicit Response(std::shared_ptr<detail::Exchange> ex);
    std::shared_ptr<detail::Exchange> ex_;
};

}  // namespace duplex
