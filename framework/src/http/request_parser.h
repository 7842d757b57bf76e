// RequestParser: HTTP/1.1 request bytes in, filled duplex::Request out. Wraps llhttp, accumulates its split
// spans (URL, header names and values, body) into the Request's own storage, and enforces the size limits of
// HttpOptions with the status each deserves (414, 431, 413, 400, 417), plus what RFC 9110/9112 ask that
// llhttp 8.1 leaves out (Host, transfer codings, versions, request-target forms, chunk framing: 400, 501, 505).
//
// Pure: no I/O, no clock. Feed it any split of the byte stream, one byte at a time included; it stops after
// each complete message (and before the body of an `Expect: 100-continue` request) so the caller can act.
// Lifetime: one per connection. Threads: the owner's.
#pragma once

#include "duplex/http_options.h"
#include "duplex/request.h"
#include "http/body_pipe.h"
#include "http/framing_checks.h"

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duplex::detail {

class RequestParser {
public:
    enum class Kind {
        NeedMore,        // everything consumed, message not complete
        Complete,        // a whole request is in the target; `consumed` bytes were used
        Upgrade,         // a whole request asking for an upgrade; the bytes after `consumed` are not HTTP
        ExpectContinue,  // headers of an `Expect: 100-continue` request within limits; send 100 and feed on
        BodyAhead,       // with set_body_probe(true): a head whose body is coming; call start_body, then feed on
        Error,           // malformed or over a limit: answer `status` and close
    };
    struct Result {
        Kind kind;
        std::size_t consumed;
        int status = 0;
        std::string_view reason;
    };
    enum class Phase { Idle, Head, Body };

    explicit RequestParser(const HttpOptions& limits);
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // The request the next message fills. Must be set before feeding a new message.
    void set_target(Request* target) { target_ = target; }
    Result feed(const char* data, std::size_t len);
    // Where the current message is: nothing yet, in its head, in its body.
    Phase phase() const { return phase_; }
    // After Upgrade, when the request is to be handled as ordinary HTTP after all.
    void resume_after_upgrade() { llhttp_resume_after_upgrade(&parser_); }
    // After Complete/Upgrade: whether the connection stays open after this request (HTTP/1.0 rules included).
    bool keep_alive() const { return keep_alive_; }

    // Streamed bodies. With the probe on, every head with a body stops with BodyAhead (instead of
    // ExpectContinue, see expects_continue()) so the caller can choose, per request, the body's limit and where
    // its bytes go: into the Request (sink null) or to a BodyPipe as they come. The body limit is checked then
    // (413 for a Content-Length over it), not at the head.
    void set_body_probe(bool on) { probe_ = on; }
    // After BodyAhead: the client waits for a 100 (HTTP/1.1 and `Expect: 100-continue`) before sending the body.
    bool expects_continue() const { return expect_continue_; }
    // After BodyAhead: the limit and sink of this body. Returns 0, or 413 when the announced length is over limit.
    int start_body(std::uint64_t limit, BodyPipe* sink);

private:
    static const llhttp_settings_t settings_;
    static int on_message_begin(llhttp_t* p);
    static int on_url(llhttp_t* p, const char* at, std::size_t n);
    static int on_url_complete(llhttp_t* p);
    static int on_version_complete(llhttp_t* p);
    static int on_header_field(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_value(llhttp_t* p, const char* at, std::size_t n);
    static int on_headers_complete(llhttp_t* p);
    static int on_chunk_header(llhttp_t* p);
    static int on_chunk_extension(llhttp_t* p, std::size_t n);
    static int on_body(llhttp_t* p, const char* at, std::size_t n);
    static int on_message_complete(llhttp_t* p);
    int limit(int status, const char* reason);
    Result fail_now(int status, const char* reason, std::size_t consumed);
    Result scan_method(const char* data, std::size_t len, std::size_t from);
    // Feeds the watched header line's bytes up to `until` (consumed by llhttp) to folds_; false on an obs-fold.
    bool fold_free_until(const char* until);

    llhttp_t parser_{};
    const HttpOptions& limits_;
    Request* target_ = nullptr;
    Phase phase_ = Phase::Idle;
    std::size_t header_bytes_ = 0;
    bool in_value_ = false;
    bool keep_alive_ = true;
    bool close_asked_ = false;     // a `close` token in a Connection line of this message
    bool chunked_ = false;         // the message just completed had a chunked body
    bool expect_continue_ = false;
    bool probe_ = false;
    bool body_ahead_ = false;      // paused at the head for the caller's start_body
    std::uint64_t body_limit_ = 0;  // this body's limit (max_body_bytes unless start_body says otherwise)
    std::uint64_t body_seen_ = 0;   // this body's bytes so far
    BodyPipe* sink_ = nullptr;      // where a streamed body goes; null: into the Request
    const char* feed_end_ = nullptr;  // end of the buffer llhttp is executing
    ChunkFraming chunks_;
    MethodScan method_scan_;
    StreamTail tail_;
    FoldWatch folds_;
    const char* field_end_ = nullptr;  // where the last field-name span stopped, or the buffer's start
    const char* fold_from_ = nullptr;  // the next byte folds_ has not seen, in the current buffer
    int error_status_ = 0;
    const char* error_reason_ = nullptr;
};

}  // namespace duplex::detail
