#include "http/http_session.h"

#include "duplex/log.h"

#include "http/body_pipe.h"
#include "http/request_setters.h"
#include "http/response_writer.h"
#include "loop/loop_core.h"
#include "net/socket.h"

#include <algorithm>
#include <exception>

namespace duplex::detail {

void Exchange::reset() {
    RequestConnection::clear(req);
    session = nullptr;
    handles = 0;
    status = 200;
    head.clear();
    out.clear();
    body_bytes = 0;
    started_ns = 0;
    headers_sent = finished = chunked = head_only = close_after = queued = endless = body_open = false;
    keep_alive = true;
    on_drain = nullptr;
    on_finish = nullptr;
    transform.reset();
    before_head = nullptr;
    observer.reset();
}

HttpSession::HttpSession(Socket& socket, HttpHost& host)
    : socket_(&socket), host_(host), parser_(host.http_options()) {
    parser_.set_body_probe(host_.may_stream());
    socket_->set_timeout(static_cast<std::uint64_t>(options().header_timeout.count()));
    host_.on_session_open(*this);
}

HttpSession::~HttpSession() {
    if (pipe_) pipe_->session = nullptr;
}

const std::string& HttpSession::remote() {
    // Once per connection: getpeername + formatting cost more than the rest of a small request.
    if (remote_.empty() && socket_) remote_ = socket_->peer_address();
    return remote_;
}

std::shared_ptr<Exchange> HttpSession::fresh_exchange() {
    std::shared_ptr<Exchange> ex = spare_ ? std::move(spare_) : std::make_shared<Exchange>();
    ex->session = this;
    return ex;
}

void HttpSession::on_data(char* data, std::size_t len) {
    if (closed_ || parsing_stopped_) return;
    host_.counters.received_bytes += len;
    if (!pending_in_.empty()) {  // paused on the pipeline bound: keep order, parse later
        pending_in_.append(data, len);
        return;
    }
    feed(data, len);
}

void HttpSession::feed(char* data, std::size_t len) {
    auto keep = shared_from_this();  // handlers may close the connection under us
    in_feed_ = true;
    auto before = parser_.phase();
    while (len > 0 && !parsing_stopped_ && !closed_) {
        if (!cur_) {
            cur_ = fresh_exchange();
            parser_.set_target(&cur_->req);
        }
        if (body_held()) {  // backpressure: the rest waits, and so does the socket
            pending_in_.assign(data, len);
            socket_->pause_reading();
            break;
        }
        RequestParser::Result r = parser_.feed(data, len);
        data += r.consumed;
        len -= r.consumed;
        if (r.kind == RequestParser::Kind::NeedMore) break;
        if (r.kind == RequestParser::Kind::BodyAhead) {
            begin_body();
            continue;
        }
        if (r.kind == RequestParser::Kind::ExpectContinue) {
            if (queue_.empty()) socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
            continue;
        }
        if (r.kind == RequestParser::Kind::Error) {
            if (pipe_) fail_stream(r.status, r.reason);
            else fail(r.status, r.reason);
            break;
        }
        if (r.kind == RequestParser::Kind::Upgrade) {
            in_feed_ = false;
            upgrade(data, len);
            return;
        }
        before = RequestParser::Phase::Idle;
        if (pipe_) {  // dispatched at its head: only the end is news
            std::shared_ptr<BodyPipe> pipe = std::move(pipe_);
            std::shared_ptr<Exchange> done = std::move(cur_);
            done->body_open = false;
            if (done->close_after) stop_parsing();
            pipe->end();
            continue;
        }
        std::shared_ptr<Exchange> ex = std::move(cur_);
        ex->keep_alive = parser_.keep_alive();
        dispatch(std::move(ex));
        if (len > 0 && queue_.size() >= options().max_pipelined && !parsing_stopped_ && !closed_) {
            pending_in_.assign(data, len);
            socket_->pause_reading();
            break;
        }
    }
    in_feed_ = false;
    if (closed_ || parsing_stopped_ || !socket_) return;
    // Header time counts from the first byte of a request head; body time from the last body byte.
    switch (parser_.phase()) {
    case RequestParser::Phase::Head:
        if (before != RequestParser::Phase::Head)
            socket_->set_timeout(static_cast<std::uint64_t>(options().header_timeout.count()));
        break;
    case RequestParser::Phase::Body:
        socket_->set_timeout(static_cast<std::uint64_t>(options().body_timeout.count()));
        break;
    case RequestParser::Phase::Idle:
        arm_wait_timer();
        break;
    }
}

void HttpSession::dispatch(std::shared_ptr<Exchange> ex) {
    ex->session = this;
    ex->queued = true;
    ex->started_ns = uv_hrtime();
    ex->head_only = ex->req.method() == "HEAD";
    if (!ex->keep_alive) {
        ex->close_after = true;
        if (!ex->body_open) stop_parsing();  // a streamed body is read to its end first
    }
    RequestConnection::set_remote(ex->req, remote());
    queue_.push_back(ex);
    {
        Response res = Exchange::response(ex);
        host_.handle_request(ex->req, res);
    }
    // Finished synchronously and no handle kept: recycle it for the next request on this connection.
    if (!ex->queued && ex.use_count() == 1 && !spare_) {
        ex->reset();
        spare_ = std::move(ex);
    }
}

void HttpSession::upgrade(char* rest, std::size_t n) {
    auto keep = shared_from_this();
    std::shared_ptr<Exchange> ex = std::move(cur_);
    ex->keep_alive = parser_.keep_alive();
    if (!queue_.empty()) {  // an upgrade behind unanswered pipelined requests cannot be ordered safely
        cur_ = std::move(ex);
        fail(400, "Upgrade request while responses are pending");
        return;
    }
    ex->session = this;
    ex->queued = true;
    ex->started_ns = uv_hrtime();
    RequestConnection::set_remote(ex->req, remote());
    queue_.push_back(ex);
    Socket* sock = socket_;
    bool switched;
    {
        Response res = Exchange::response(ex);
        switched = host_.handle_upgrade(ex->req, res, *sock, rest, n);
        if (switched) {
            // The socket belongs to another protocol now; this session is done without a close event.
            ex->finished = true;
            queue_.clear();
            ex->session = nullptr;
            closed_ = true;
            socket_ = nullptr;
            host_.on_session_closed(*this);
            return;
        }
        if (!ex->finished) host_.handle_request(ex->req, res);
    }
    if (closed_ || parsing_stopped_) return;
    parser_.resume_after_upgrade();
    if (n > 0) feed(rest, n);
}

void HttpSession::fail(int status, std::string_view why) {
    ++(status == 408 ? host_.counters.timeouts : host_.counters.parse_errors);
    std::shared_ptr<Exchange> ex = cur_ ? std::move(cur_) : fresh_exchange();
    stop_parsing();
    ex->session = this;
    ex->queued = true;
    ex->keep_alive = false;
    // The method is known as soon as the request line has it: a HEAD gets its error head without the body.
    ex->head_only = ex->req.method() == "HEAD";
    RequestConnection::set_remote(ex->req, remote());
    queue_.push_back(ex);
    std::string body(why);
    body.push_back('\n');
    send_error(*ex, status, body, true);
}

void HttpSession::begin_body() {
    std::optional<std::uint64_t> limit = host_.stream_limit(cur_->req);
    if (!limit) {
        if (parser_.start_body(options().max_body_bytes, nullptr) != 0) fail(413, "Payload Too Large");
        else if (parser_.expects_continue() && queue_.empty()) socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
        return;
    }
    auto pipe = std::make_shared<BodyPipe>();
    // Refused before a byte is read: with `Expect: 100-continue`, the client never sends the body.
    if (parser_.start_body(*limit, pipe.get()) != 0) {
        fail(413, "Payload Too Large");
        return;
    }
    pipe->session = this;
    pipe->expect_continue = parser_.expects_continue();
    RequestConnection::set_pipe(cur_->req, pipe);
    cur_->body_open = true;
    cur_->keep_alive = parser_.keep_alive();
    pipe_ = std::move(pipe);
    dispatch(cur_);
}

void HttpSession::fail_stream(int status, std::string_view why) {
    auto keep = shared_from_this();
    std::shared_ptr<BodyPipe> pipe = std::move(pipe_);
    std::shared_ptr<Exchange> ex = std::move(cur_);
    stop_parsing();
    ex->close_after = true;
    {
        // Held across on_error: its callbacks (and the handler's Response copies in them) go with it, and a last
        // copy dropped unfinished would answer 500 instead of this status.
        Response hold = Exchange::response(ex);
        pipe->fail(Error(status, std::string(why)));
        if (ex->finished || !ex->session) return;  // answered in on_error, or gone
        if (!ex->headers_sent) {
            std::string body(why);
            body.push_back('\n');
            send_error(*ex, status, body, true);
            return;
        }
    }
    if (socket_) socket_->close();  // a streamed answer cannot be finished honestly
}

void HttpSession::body_flow_changed() {
    if (!pipe_ || closed_ || !socket_ || parsing_stopped_) return;
    if (!pipe_->flowing()) {
        socket_->pause_reading();
        return;
    }
    if (in_feed_) return;  // the feed loop sees the flow on its next turn
    socket_->resume_reading();
    if (pending_in_.empty()) {
        socket_->set_timeout(static_cast<std::uint64_t>(options().body_timeout.count()));
        return;
    }
    std::string buf;
    buf.swap(pending_in_);
    feed(buf.data(), buf.size());
}

void HttpSession::send_continue() {
    // Only at the head of the pipeline: a 100 behind another answer would be read as that answer's.
    if (socket_ && !closed_ && cur_ && is_head(*cur_) && !cur_->headers_sent)
        socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
}

void HttpSession::stop_parsing() {
    parsing_stopped_ = true;
    pending_in_.clear();
}

std::string& HttpSession::sink(Exchange& ex) {
    return is_head(ex) && socket_ ? socket_->output_buffer() : ex.out;
}

std::size_t HttpSession::write_now(Exchange& ex, std::string_view bytes) {
    return is_head(ex) && socket_ ? socket_->write_now(bytes) : 0;
}

void HttpSession::write_shared(Exchange& ex, std::string_view bytes, const std::shared_ptr<const void>& owner) {
    if (is_head(ex) && socket_) socket_->write_shared(bytes, owner);
    else ex.out.append(bytes);
}

void HttpSession::commit(Exchange& ex) {
    if (is_head(ex) && socket_) socket_->commit();
}

std::size_t HttpSession::buffered_amount(const Exchange& ex) const {
    if (!socket_) return 0;
    return is_head(ex) ? socket_->buffered_amount() : ex.out.size();
}

void HttpSession::finished(Exchange& ex) {
    if (ex.close_after) stop_parsing();
    if (pipe_ && cur_.get() == &ex) {
        // Answered before its body ended: the rest is not read (the answer said Connection: close). cur_ and
        // pipe_ stay until the session goes: the parser may still be inside this buffer.
        ex.body_open = false;
        pipe_->fail(Error(400, "the response was sent before the request body ended"));
    }
    if (is_head(ex)) advance();
}

void HttpSession::advance() {
    auto keep = shared_from_this();
    while (!queue_.empty() && queue_.front()->finished && socket_) {
        std::shared_ptr<Exchange> ex = std::move(queue_.front());
        queue_.erase(queue_.begin());
        ex->queued = false;
        host_.on_response_done(*ex);
        if (ex->observer) {
            ex->observer->on_response_done(ex->req, {ex->status, ex->body_bytes, uv_hrtime() - ex->started_ns,
                                                     socket_->tcp()->loop});
        }
        auto fin = std::move(ex->on_finish);
        ex->on_finish = nullptr;
        ex->on_drain = nullptr;
        if (fin) {
            try {
                fin(true);
            } catch (const std::exception& e) {
                duplex::logf(duplex::LogLevel::error, "duplex: exception in on_finish: %s", e.what());
            } catch (...) {
            }
        }
        // Done with this connection: a Response the user still holds must not reach the session, which
        // may be gone by the time it asks (detach_all only sees exchanges still queued).
        ex->session = nullptr;
        if (ex->close_after) {
            detach_all();
            if (socket_) socket_->end();
            return;
        }
        if (!queue_.empty() && !queue_.front()->out.empty()) {
            socket_->output_buffer().append(queue_.front()->out);
            queue_.front()->out.clear();
            socket_->commit();
        }
        if (ex.use_count() == 1 && !spare_) {
            ex->reset();
            spare_ = std::move(ex);
        }
    }
    if (!socket_ || closed_) return;
    if (queue_.empty()) {
        if (peer_eof_ || (parsing_stopped_ && parser_.phase() == RequestParser::Phase::Idle)) {
            socket_->end();
            return;
        }
        if (!in_feed_ && parser_.phase() == RequestParser::Phase::Idle) arm_wait_timer();
    }
    // Paused on the pipeline bound: parse what waited now that there is room.
    if (!in_feed_ && !pending_in_.empty() && queue_.size() < options().max_pipelined) {
        std::string buf;
        buf.swap(pending_in_);
        socket_->resume_reading();
        feed(buf.data(), buf.size());
    }
}

void HttpSession::detach_all() {
    auto q = std::move(queue_);
    queue_.clear();
    for (auto& ex : q) {
        ex->session = nullptr;
        ex->queued = false;
        auto fin = std::move(ex->on_finish);
        ex->on_finish = nullptr;
        ex->on_drain = nullptr;
        if (fin && !ex->finished) {
            try {
                fin(false);
            } catch (...) {
            }
        }
    }
    if (cur_) cur_->session = nullptr;
}

void HttpSession::on_eof() {
    peer_eof_ = true;
    const bool streaming = std::any_of(queue_.begin(), queue_.end(), [](const auto& ex) { return ex->endless; });
    if (parser_.phase() != RequestParser::Phase::Idle || queue_.empty() || streaming) {
        // A half-sent request can never complete; with nothing pending there is nothing left to say; an event
        // stream has no end to wait for: a client that stops sending has left it.
        stop_parsing();
        detach_all();
        if (pipe_) pipe_->fail(Error(400, "the client closed the connection before the body ended"));
        if (socket_) socket_->end();
        return;
    }
    stop_parsing();  // answer what was asked (half-close), then end in advance()
}

void HttpSession::on_drain() {
    if (queue_.empty() || !queue_.front()->on_drain) return;
    auto fn = queue_.front()->on_drain;
    try {
        fn();
    } catch (const std::exception& e) {
        duplex::logf(duplex::LogLevel::error, "duplex: exception in on_drain: %s", e.what());
    } catch (...) {
    }
}

void HttpSession::arm_wait_timer() {
    unsent_mark_ = SIZE_MAX;
    const std::chrono::milliseconds t = queue_.empty() ? options().idle_timeout : options().send_timeout;
    socket_->set_timeout(static_cast<std::uint64_t>(t.count()));
}

void HttpSession::on_timeout() {
    if (!socket_) return;
    // A head or body cut by a read is only late if we were reading: not while answers hold reading back.
    const bool we_stopped_reading = !pending_in_.empty() || socket_->backlogged() || body_held();
    if (parser_.phase() != RequestParser::Phase::Idle && !we_stopped_reading) {
        if (pipe_) fail_stream(408, "Request Timeout");
        else fail(408, "Request Timeout");
        return;
    }
    // Answers the peer has not read yet (a pipelining client may pause reading) are a write that waits, not
    // idleness: it may go on while the peer takes bytes. An answer the application still works on waits too.
    const std::size_t unsent = socket_->unsent_bytes();
    const bool working = unsent == 0 && !queue_.empty();
    if (working || (unsent > 0 && unsent < unsent_mark_)) {
        unsent_mark_ = working ? SIZE_MAX : unsent;
        socket_->set_timeout(static_cast<std::uint64_t>(options().send_timeout.count()));
        return;
    }
    socket_->close();  // idle, or the peer took nothing for send_timeout: nothing to linger for
}

void HttpSession::on_closed(int) {
    closed_ = true;
    detach_all();
    if (pipe_) pipe_->fail(Error(400, "the connection closed before the body ended"));
    socket_ = nullptr;
    if (!orphaned_) host_.on_session_closed(*this);
}

void HttpSession::shutdown() {
    if (!socket_ || closed_) return;
    stop_parsing();
    if (queue_.empty()) {
        detach_all();
        // A response finished this loop turn may still sit in the socket: flush it before the FIN (close()
        // would drop it). With nothing left to send, nothing is owed: no need to linger for the peer's EOF.
        if (socket_->buffered_amount() > 0) socket_->end();
        else socket_->close();
        return;
    }
    queue_.back()->close_after = true;
    // Event streams end only when told: end them now (cleanly) instead of holding the shutdown for its bound.
    const auto queued = queue_;  // ending one advances the pipeline
    for (const auto& ex : queued)
        if (ex->endless) end_response(*ex);
}

LoopCore& HttpSession::loop_core() const { return LoopCore::of(socket_->tcp()->loop); }

void HttpSession::abort() {
    if (socket_) socket_->close(UV_ECANCELED);
}

void HttpSession::orphan() {
    orphaned_ = true;
    abort();
}

}  // namespace duplex::detail
