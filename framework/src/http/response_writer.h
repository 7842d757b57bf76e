// Response serialization on an Exchange: status line, headers, Content-Length or chunked framing, HEAD and
// no-body statuses, Connection handling. Response (the public handle) and HttpSession both use it, so the
// session can answer errors without any handle.
//
// Threads: loop thread only. Every function is a no-op on a finished exchange or one whose session is gone.
#pragma once

#include "duplex/error.h"
#include "http/exchange.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace duplex::detail {

// Header block edits; return false (and change nothing) for names/values that would inject CR/LF.
bool set_header(Exchange& ex, std::string_view name, std::string_view value, bool replace);
std::string get_header(const Exchange& ex, std::string_view name);
// The same without a copy: a view into the header block, valid until the next header edit.
std::string_view header_view(const Exchange& ex, std::string_view name);
// Removes every line of the header `name` (before the head is sent).
void remove_header(Exchange& ex, std::string_view name);
// Appends one header line whose name and value parts the framework built itself (valid by construction: a token,
// no control bytes), without re-checking them; another line of the same name stays. Nothing once the head is sent.
void append_header_line(Exchange& ex, std::string_view name, std::initializer_list<std::string_view> value_parts);
// Header lines the framework built itself ("Name: value\r\n" each, valid by construction, no name twice): the
// same as set_header(..., true) line by line without re-checking them, and a single append when no header was
// set before (the usual case, e.g. static files with their ready-made lines).
void set_header_block(Exchange& ex, std::string_view block);

// Runs fn once, right before the status line and headers are written, while headers can still be set (a session's
// Set-Cookie). Several run in reverse order of registration. fn must not throw and must not send or end the response.
void on_headers(Exchange& ex, std::function<void()> fn);

// Whole body: head with Content-Length, then the body (not for HEAD / 1xx / 204 / 304); finishes.
void send_whole(Exchange& ex, std::string_view body);
// Streaming: head on first call (chunked unless Content-Length was set or HTTP/1.0), then the chunk.
SendResult write_chunk(Exchange& ex, std::string_view chunk);
// Body bytes that stay valid in memory (cached static files), straight to the kernel after the head: no copy
// into the socket's buffer. Returns how many the kernel took now; the caller sends the rest with write_chunk.
// 0 when the exchange is not first in the pipeline, its body is chunked or absent, or the kernel is full.
std::size_t write_body_now(Exchange& ex, std::string_view bytes);
// Body bytes that owner keeps valid until the socket has handed them to the kernel (a file's read buffer): queued by
// reference after what is queued (Socket::write_shared), or through write_chunk when the body is coded or chunked.
SendResult write_body_kept(Exchange& ex, std::string_view bytes, const std::shared_ptr<const void>& owner);
// End of a stream (or an empty response when nothing was sent); finishes.
void end_response(Exchange& ex);
// A short text/plain error answer ("<status> <reason>" style body); finishes. Used by the session and the
// router's final handler.
void send_error(Exchange& ex, int status, std::string_view body, bool close_connection);

}  // namespace duplex::detail
