// HttpSession: one HTTP/1.1 connection. Drives llhttp, enforces the limits and timeouts of HttpOptions, keeps
// pipelined responses in request order, pauses reading while too many wait, and hands the socket over on
// upgrade.
//
// The stages, in the order a request meets them: on_data (bytes in) -> llhttp callbacks (RequestBuilder
// fills the Request) -> message complete (parser paused) -> dispatch (HttpHost routes it) -> emit/finish
// (bytes out, in pipeline order) -> next request, idle timeout, or end of the connection.
//
// Lifetime: owned by its Socket (shared_ptr Protocol) until on_closed; the HttpHost is told on open and close.
// Threads: loop thread only.
#pragma once

#include "http/exchange.h"
#include "http/http_host.h"
#include "http/request_parser.h"
#include "net/socket_protocol.h"

#include <memory>
#include <string>
#include <vector>

namespace duplex::detail {

class LoopCore;
class Socket;

class HttpSession : public Protocol, public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(Socket& socket, HttpHost& host);
    ~HttpSession() override;

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_drain() override;
    void on_timeout() override;
    void on_closed(int status) override;
    // A peer that pipelines requests without reading the answers is not read from while more than
    // write_high_water of them wait: memory stays bounded whatever it sends.
    std::size_t read_backlog_limit() const override { return options().write_high_water; }

    // Called by Response: where this exchange's bytes go now (the socket when it is at the head of the
    // pipeline, its own buffer otherwise), then commit() once appended.
    std::string& sink(Exchange& ex);
    void commit(Exchange& ex);
    // Socket::write_now for the exchange at the head of the pipeline; 0 for any other.
    std::size_t write_now(Exchange& ex, std::string_view bytes);
    // Socket::write_shared for the exchange at the head of the pipeline (bytes held by owner, no copy when large);
    // a copy into its own buffer for any other. Call commit() afterwards, as after sink().
    void write_shared(Exchange& ex, std::string_view bytes, const std::shared_ptr<const void>& owner);
    void finished(Exchange& ex);
    std::size_t buffered_amount(const Exchange& ex) const;
    bool is_head(const Exchange& ex) const { return !queue_.empty() && queue_.front().get() == &ex; }
    const HttpOptions& options() const { return host_.http_options(); }
    HttpHost& host() const { return host_; }
    // The loop this connection runs on (for timers of the exchanges it carries).
    LoopCore& loop_core() const;

    // Streamed bodies (BodyPipe): the flow started or stopped; the handler began reading an `Expect:
    // 100-continue` body.
    void body_flow_changed();
    void send_continue();

    // Graceful shutdown: no new requests; idle connections close now, busy ones after their last response.
    void shutdown();
    // Immediate close (shutdown bound exceeded).
    void abort();
    // Immediate close because the host is being destroyed: the close, which completes in a later loop turn,
    // never calls back into it.
    void orphan();

private:
    void feed(char* data, std::size_t len);
    void dispatch(std::shared_ptr<Exchange> ex);
    void upgrade(char* rest, std::size_t n);
    void fail(int status, std::string_view why);
    // After BodyAhead: buffer the body (the usual way) or dispatch now and stream it to the handler.
    void begin_body();
    // A streamed body that will not end (timeout, limit, framing): the handler is told, then the connection ends.
    void fail_stream(int status, std::string_view why);
    // The streamed body's flow is stopped by its handler: its bytes wait in the socket.
    bool body_held() const { return pipe_ && !pipe_->flowing(); }
    void advance();
    // Between requests: idle_timeout with nothing owed, send_timeout while answers are owed.
    void arm_wait_timer();
    void stop_parsing();
    void detach_all();
    std::shared_ptr<Exchange> fresh_exchange();
    const std::string& remote();

    Socket* socket_;
    HttpHost& host_;
    RequestParser parser_;
    std::shared_ptr<Exchange> cur_;           // the request being parsed (dispatched already when pipe_ is set)
    std::shared_ptr<BodyPipe> pipe_;          // cur_'s body, streamed to its handler
    // Waiting responses, in request order; at most max_pipelined, usually one. A vector because an empty one
    // allocates nothing (a deque allocates ~600 bytes per connection up front).
    std::vector<std::shared_ptr<Exchange>> queue_;
    std::shared_ptr<Exchange> spare_;         // recycled exchange: no allocation per keep-alive request
    std::string pending_in_;                  // unparsed bytes while reading is paused
    std::string remote_;                      // the peer's "ip:port", computed on first use
    bool parsing_stopped_ = false;            // after an error, Connection: close, upgrade or shutdown
    // What the socket still had to send when send_timeout was last armed (SIZE_MAX: nothing measured yet).
    std::size_t unsent_mark_ = SIZE_MAX;
    bool peer_eof_ = false;
    bool closed_ = false;
    bool in_feed_ = false;
    bool orphaned_ = false;
};

}  // namespace duplex::detail
