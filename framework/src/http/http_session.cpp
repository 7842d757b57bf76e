#include "http/http_session.h"

#include "http/response_writer.h"
#include "net/socket.h"

#include <cstdio>
#include <exception>

namespace duplex::detail {

void Exchange::reset() {
    req.clear();
    session = nullptr;
    handles = 0;
    status = 200;
    head.clear();
    out.clear();
    body_bytes = 0;
    started_ms = 0;
    headers_sent = finished = chunked = head_only = close_after = queued = false;
    keep_alive = true;
    on_drain = nullptr;
    on_finish = nullptr;
    transform.reset();
    before_head = nullptr;
}

HttpSession::HttpSession(Socket& socket, HttpHost& host)
    : socket_(&socket), host_(host), parser_(host.http_options()) {
    socket_->set_timeout(static_cast<std::uint64_t>(options().header_timeout.count()));
    host_.on_session_open(*this);
}

HttpSession::~HttpSession() = default;

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
        RequestParser::Result r = parser_.feed(data, len);
        data += r.consumed;
        len -= r.consumed;
        if (r.kind == RequestParser::Kind::NeedMore) break;
        if (r.kind == RequestParser::Kind::ExpectContinue) {
            if (queue_.empty()) socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
            continue;
        }
        if (r.kind == RequestParser::Kind::Error) {
            fail(r.status, r.reason);
            break;
        }
        if (r.kind == RequestParser::Kind::Upgrade) {
            in_feed_ = false;
            upgrade(data, len);
            return;
        }
        before = RequestParser::Phase::Idle;
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
    ex->started_ms = uv_now(socket_->tcp()->loop);
    ex->head_only = ex->req.method() == "HEAD";
    if (!ex->keep_alive) {
        ex->close_after = true;
        stop_parsing();
    }
    ex->req.remote_ = remote();
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
    ex->started_ms = uv_now(socket_->tcp()->loop);
    ex->req.remote_ = remote();
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
    std::shared_ptr<Exchange> ex = cur_ ? std::move(cur_) : fresh_exchange();
    stop_parsing();
    ex->session = this;
    ex->queued = true;
    ex->keep_alive = false;
    // The method is known as soon as the request line has it: a HEAD gets its error head without the body.
    ex->head_only = ex->req.method() == "HEAD";
    ex->req.remote_ = remote();
    queue_.push_back(ex);
    std::string body(why);
    body.push_back('\n');
    send_error(*ex, status, body, true);
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

void HttpSession::commit(Exchange& ex) {
    if (is_head(ex) && socket_) socket_->commit();
}

std::size_t HttpSession::buffered_amount(const Exchange& ex) const {
    if (!socket_) return 0;
    return is_head(ex) ? socket_->buffered_amount() : ex.out.size();
}

void HttpSession::finished(Exchange& ex) {
    if (ex.close_after) stop_parsing();
    if (is_head(ex)) advance();
}

void HttpSession::advance() {
    auto keep = shared_from_this();
    while (!queue_.empty() && queue_.front()->finished && socket_) {
        std::shared_ptr<Exchange> ex = std::move(queue_.front());
        queue_.erase(queue_.begin());
        ex->queued = false;
        host_.on_response_done(*ex);
        auto fin = std::move(ex->on_finish);
        ex->on_finish = nullptr;
        ex->on_drain = nullptr;
        if (fin) {
            try {
                fin(true);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "duplex: exception in on_finish: %s\n", e.what());
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
    if (parser_.phase() != RequestParser::Phase::Idle || queue_.empty()) {
        // A half-sent request can never complete; with nothing pending there is nothing left to say.
        stop_parsing();
        detach_all();
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
        std::fprintf(stderr, "duplex: exception in on_drain: %s\n", e.what());
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
    const bool we_stopped_reading = !pending_in_.empty() || socket_->backlogged();
    if (parser_.phase() != RequestParser::Phase::Idle && !we_stopped_reading) {
        fail(408, "Request Timeout");
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
}

void HttpSession::abort() {
    if (socket_) socket_->close(UV_ECANCELED);
}

void HttpSession::orphan() {
    orphaned_ = true;
    abort();
}

}  // namespace duplex::detail
