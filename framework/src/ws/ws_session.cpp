#include "ws/ws_session.h"

#include "duplex/log.h"

#include "loop/loop_core.h"
#include "net/socket.h"
#include "util/buffer_capacity.h"
#include "util/random.h"
#include "ws/close_frame.h"
#include "ws/frame_writer.h"
#include "ws/utf8.h"
#include "ws/ws_endpoints.h"

#include <atomic>
#include <exception>

namespace duplex::detail {

namespace {

std::atomic<std::uint64_t> next_id{1};

// Reused per thread so that compressed traffic allocates nothing per message; two buffers because an
// onmessage handler (reading the inflated one) may send (filling the deflated one).
std::string& inflate_scratch() {
    thread_local std::string s;
    return s;
}
std::string& deflate_scratch() {
    thread_local std::string s;
    return s;
}
void trim(std::string& s) {
    s.clear();
    release_if_over(s, scratch_keep_bytes);
}

std::uint64_t ms(std::chrono::milliseconds d) { return static_cast<std::uint64_t>(d.count()); }

const std::string& empty_string() {
    static const std::string empty;
    return empty;
}

ws::ReaderConfig reader_config(const WsOptions& o, ws::Role role, bool rsv1_allowed) {
    return ws::ReaderConfig{role, rsv1_allowed, o.max_message_bytes, o.max_fragments};
}

}  // namespace

// Hands the reader's reports to the session; a stack object per read, so the session carries no second vtable.
class WsSession::Sink final : public ws::MessageSink {
public:
    explicit Sink(WsSession& s) : s_(s) {}
    void on_message(ws::Opcode opcode, std::string_view payload, bool compressed) override {
        s_.on_message(opcode, payload, compressed);
    }
    void on_control(ws::Opcode opcode, std::string_view payload) override { s_.on_control(opcode, payload); }
    void on_error(std::uint16_t close_code, std::string_view reason) override { s_.fail(close_code, reason); }

private:
    WsSession& s_;
};

WsSession::WsSession(std::shared_ptr<const SessionRoute> route, ws::Role role, std::string_view url)
    : route_(std::move(route)), id_(next_id++), reader_(reader_config(route_->route.options, role, false)),
      role_(role) {
    if (url != route_->path) extras().url = url;
}

WsSession::~WsSession() = default;

WsSession::Extras& WsSession::extras() {
    if (!extras_) extras_ = std::make_unique<Extras>();
    return *extras_;
}

const std::string& WsSession::protocol() const { return extras_ ? extras_->protocol : empty_string(); }
const std::string& WsSession::extensions() const { return extras_ ? extras_->extensions : empty_string(); }
const std::string& WsSession::url() const {
    return extras_ && !extras_->url.empty() ? extras_->url : route_->path;
}

void WsSession::set_close_event(std::uint16_t code, std::string_view reason) {
    close_code_ = code;
    if (!reason.empty()) extras().close_reason = reason;
    else if (extras_) extras_->close_reason.clear();
}

template <class F>
void WsSession::user(const char* what, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket %s: %s", what, e.what());
        if (state_ == ReadyState::Open) fail(CloseCode::InternalError, "handler error");
    } catch (...) {
        duplex::logf(duplex::LogLevel::error, "duplex: unknown exception in WebSocket %s", what);
        if (state_ == ReadyState::Open) fail(CloseCode::InternalError, "handler error");
    }
}

void WsSession::open(Socket& socket, std::optional<ws::DeflateParams> deflate, std::string protocol,
                     std::string extensions) {
    socket_ = &socket;
    if (deflate || !protocol.empty() || !extensions.empty()) {
        Extras& x = extras();
        x.deflate = deflate;
        x.protocol = std::move(protocol);
        x.extensions = std::move(extensions);
    }
    reader_ = ws::MessageReader(reader_config(options(), role_, deflate.has_value()));
    state_ = ReadyState::Open;
    arm_idle();
}

void WsSession::fail_connecting(const std::string& why, std::uint16_t code) {
    if (state_ != ReadyState::Connecting) return;
    state_ = ReadyState::Closed;
    WebSocket ws = handle();
    if (route().onerror) user("onerror", [&] { route().onerror(ws, Error(code, why)); });
    closed_fired_ = true;
    if (route().onclose) user("onclose", [&] { route().onclose(ws, CloseEvent{code, {}, false}); });
}

void WsSession::arm_idle() {
    if (socket_ && state_ == ReadyState::Open) socket_->set_timeout(ms(options().idle_timeout));
}

std::size_t WsSession::buffered_amount() const { return socket_ ? socket_->buffered_amount() : 0; }

void WsSession::write_frame(ws::Opcode op, std::string_view payload, bool rsv1) {
    std::string& out = socket_->output_buffer();
    if (role_ == ws::Role::Client) {
        auto key = thread_random_pool().mask_key();
        if (!key) {  // no strong randomness: never send a predictable mask
            terminate();
            return;
        }
        ws::append_frame(out, op, payload, true, rsv1, &*key);
    } else {
        ws::append_frame(out, op, payload, true, rsv1, nullptr);
    }
    socket_->commit();
}

ws::DeflateStreams& WsSession::zlib() {
    Extras& x = *extras_;  // deflate was agreed, which lives in extras
    if (!x.zlib) x.zlib = std::make_unique<ws::DeflateStreams>(ws::make_deflate_streams(*x.deflate, role_));
    return *x.zlib;
}

// Inlined into both doors (enqueue, send_shared): it runs once per subscriber of every publish.
[[gnu::always_inline]] inline std::optional<SendResult> WsSession::refuse(ws::Opcode op, std::size_t incoming) {
    if (state_ == ReadyState::Connecting) return SendResult::NotOpen;
    if (!socket_) return SendResult::Closed;
    // Our Close goes out while closing too, and past the cap: one small frame per connection, which ends it.
    if (op == ws::Opcode::Close) return std::nullopt;
    if (state_ != ReadyState::Open) return SendResult::Closed;
    const WsOptions& o = options();
    if (buffered_amount() + incoming <= o.max_buffered_bytes) return std::nullopt;
    if (o.backpressure == BackpressurePolicy::Drop) {
        if (WsCounters* c = route_->counters) ++c->dropped;
        return SendResult::Dropped;
    }
    fail(CloseCode::PolicyViolation, "send buffer limit exceeded");
    return SendResult::Closed;
}

SendResult WsSession::queued() {
    if (buffered_amount() <= options().high_water_bytes) return SendResult::Queued;
    if (WsCounters* c = route_->counters; c && !want_drain_) ++c->backpressure;
    want_drain_ = true;
    return SendResult::Backpressure;
}

inline void WsSession::count_sent(std::size_t bytes) {
    if (WsCounters* c = route_->counters) {
        ++c->messages_out;
        c->bytes_out += bytes;
    }
}

SendResult WsSession::enqueue(ws::Opcode op, std::string_view bytes) {
    if (auto refused = refuse(op, bytes.size())) return *refused;
    if (!ws::is_control(op) && deflating() && bytes.size() >= options().compress_min_bytes) {
        std::string& z = deflate_scratch();
        z.clear();
        ws::Deflater& deflater = zlib().deflater;
        if (extras_->deflater_stale) [[unlikely]] {
            deflater.reset();
            extras_->deflater_stale = false;
        }
        if (deflater.deflate(bytes, z)) {
            write_frame(op, z, true);
            trim(z);
        } else {
            write_frame(op, bytes, false);
        }
    } else {
        write_frame(op, bytes, false);
    }
    if (op == ws::Opcode::Pong) pong_queued_ = true;
    if (!ws::is_control(op)) count_sent(bytes.size());
    return queued();
}

SendResult WsSession::send(ws::Opcode op, std::string_view payload) { return enqueue(op, payload); }

SendResult WsSession::send_prepared(std::string_view frame) {
    if (auto refused = refuse(ws::Opcode::Binary, frame.size())) return *refused;
    socket_->write(frame);
    count_sent(frame.size());
    return queued();
}

SendResult WsSession::send_shared(std::string_view frame, const std::shared_ptr<const void>& owner) {
    if (auto refused = refuse(ws::Opcode::Binary, frame.size())) return *refused;
    socket_->write_shared(frame, owner);
    count_sent(frame.size());
    return queued();
}

SendResult WsSession::ping(std::string_view payload) {
    return enqueue(ws::Opcode::Ping, payload.substr(0, ws::max_control_payload));
}

void WsSession::answer_ping(std::string_view payload) {
    if (state_ != ReadyState::Open) return;
    if (!pong_queued_) {
        pong_owed_ = false;
        // Queued, or the policy closed the connection; only Drop leaves the answer owed.
        if (enqueue(ws::Opcode::Pong, payload) != SendResult::Dropped) return;
    }
    extras().owed_pong.assign(payload);
    pong_owed_ = true;
}

void WsSession::send_close(std::uint16_t code, std::string_view reason) {
    if (close_sent_ || !socket_) return;
    close_sent_ = true;
    if (code == CloseCode::NoStatus) {
        enqueue(ws::Opcode::Close, {});
        return;
    }
    if (WsCounters* c = route_->counters; c && code == CloseCode::PolicyViolation) ++c->policy_closes;
    ws::ClosePayload p = ws::make_close_payload(code, reason);
    enqueue(ws::Opcode::Close, p.view());
}

void WsSession::close(std::uint16_t code, std::string_view reason) {
    if (state_ == ReadyState::Connecting) {
        terminate();
        return;
    }
    if (state_ != ReadyState::Open || !socket_) return;
    if (!ws::is_valid_received_close_code(code)) code = CloseCode::Normal;
    state_ = ReadyState::Closing;
    set_close_event(code, reason);
    send_close(code, reason);
    socket_->set_timeout(ms(options().close_timeout));
}

void WsSession::terminate() {
    if (state_ == ReadyState::Closed) return;
    if (!socket_) {
        fail_connecting("terminated");
        return;
    }
    state_ = ReadyState::Closing;
    socket_->close();
}

void WsSession::fail(std::uint16_t code, std::string_view reason) {
    if (state_ == ReadyState::Closed || failed_) return;
    failed_ = true;
    WebSocket ws = handle();
    if (route().onerror) {
        Error err(code, std::string(reason));
        try {
            route().onerror(ws, err);
        } catch (...) {
            duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket onerror");
        }
    }
    if (state_ == ReadyState::Closed) return;  // the handler may have terminated it
    set_close_event(code, reason);
    state_ = ReadyState::Closing;
    send_close(code, reason);
    // Fail the connection: no waiting for the peer's Close (RFC 6455 7.1.7); our Close is flushed first.
    end_socket();
}

void WsSession::on_data(char* data, std::size_t len) {
    if (state_ == ReadyState::Connecting || state_ == ReadyState::Closed) return;
    ping_outstanding_ = false;
    // No self-reference needed: every caller (the socket's read callback, the upgrade, the client's
    // handshake) holds a shared_ptr to this session for the duration of the call.
    Sink sink(*this);
    reader_.feed(data, len, sink);
    if (state_ == ReadyState::Open) arm_idle();
}

void WsSession::on_message(ws::Opcode opcode, std::string_view payload, bool compressed) {
    if (state_ != ReadyState::Open) return;  // after our Close, data is discarded (RFC 6455 1.4)
    std::string& z = inflate_scratch();
    if (compressed) {
        // RSV1 is only accepted when deflate was agreed.
        z.clear();
        switch (zlib().inflater.inflate(payload, z, options().max_message_bytes)) {
        case ws::InflateResult::Ok: break;
        case ws::InflateResult::TooBig: fail(CloseCode::MessageTooBig, "message too big"); return;
        case ws::InflateResult::Corrupt: fail(CloseCode::InvalidPayload, "invalid compressed data"); return;
        case ws::InflateResult::InternalError: fail(CloseCode::InternalError, "inflate failed"); return;
        }
        payload = z;
        if (opcode == ws::Opcode::Text && !ws::is_valid_utf8(payload)) {
            fail(CloseCode::InvalidPayload, "invalid UTF-8 in text message");
            return;
        }
    }
    if (WsCounters* c = route_->counters) {
        ++c->messages_in;
        c->bytes_in += payload.size();
    }
    if (route().onmessage) {
        WebSocket ws = handle();
        Message m{payload, opcode == ws::Opcode::Binary};
        user("onmessage", [&] { route().onmessage(ws, m); });
    }
    if (compressed) trim(z);
}

void WsSession::on_control(ws::Opcode opcode, std::string_view payload) {
    WebSocket ws = handle();
    if (opcode == ws::Opcode::Ping) {
        answer_ping(payload);
        if (route().onping) user("onping", [&] { route().onping(ws, payload); });
        return;
    }
    if (opcode == ws::Opcode::Pong) {
        if (route().onpong) user("onpong", [&] { route().onpong(ws, payload); });
        return;
    }
    // Close
    ws::ParsedClose c = ws::parse_close_payload(payload);
    if (!c.ok) {
        bool code_ok = payload.size() >= 2 &&
            ws::is_valid_received_close_code(static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                                          static_cast<unsigned char>(payload[1])));
        fail(code_ok ? CloseCode::InvalidPayload : CloseCode::ProtocolError,
             code_ok ? "invalid UTF-8 in close reason" : "invalid close frame");
        return;
    }
    close_received_ = true;
    if (!failed_) set_close_event(c.code, c.reason);
    if (!close_sent_) send_close(c.code, {});  // echo the code (RFC 6455 5.5.1)
    state_ = ReadyState::Closing;
    if (!socket_) return;
    // The server closes TCP first (RFC 6455 7.1.1); a client waits for it, bounded.
    if (role_ == ws::Role::Server) end_socket();
    else socket_->set_timeout(ms(options().close_timeout));
}

void WsSession::end_socket() {
    if (!socket_) return;
    // A peer that stops reading must not keep a closing WebSocket (and its buffered bytes) longer than
    // close_timeout; one that keeps reading gets the rest.
    const std::uint64_t bound = ms(options().close_timeout);
    socket_->end(bound, bound);
}

void WsSession::on_eof() {
    if (socket_) socket_->close();
}

void WsSession::on_drain() {
    pong_queued_ = false;
    if (pong_owed_) {
        pong_owed_ = false;
        const std::string latest = std::move(extras_->owed_pong);
        extras_->owed_pong.clear();
        answer_ping(latest);
    }
    if (!want_drain_ || state_ != ReadyState::Open) return;
    want_drain_ = false;
    if (route().ondrain) {
        WebSocket ws = handle();
        user("ondrain", [&] { route().ondrain(ws); });
    }
}

void WsSession::on_timeout() {
    if (!socket_) return;
    if (state_ == ReadyState::Open && !ping_outstanding_ && options().idle_timeout.count() > 0) {
        // Idle: ask the peer for a sign of life before giving up on it.
        ping_outstanding_ = true;
        if (enqueue(ws::Opcode::Ping, {}) == SendResult::Closed) return;  // the policy failed the connection
        socket_->set_timeout(ms(options().idle_timeout));
        return;
    }
    socket_->close(UV_ETIMEDOUT);
}

void WsSession::on_closed(int) {
    state_ = ReadyState::Closed;
    socket_ = nullptr;
    if (!close_received_ && !failed_) set_close_event(CloseCode::Abnormal, {});
    if (WsEndpoints* e = endpoints()) e->on_session_closed(*this);
    if (closed_fired_) return;
    closed_fired_ = true;
    if (route().onclose) {
        WebSocket ws = handle();
        // Clean only when both Close frames crossed and neither side failed the connection.
        CloseEvent ev{close_code_, extras_ ? extras_->close_reason : std::string(),
                      close_sent_ && close_received_ && !failed_};
        try {
            route().onclose(ws, ev);
        } catch (...) {
            duplex::logf(duplex::LogLevel::error, "duplex: exception in WebSocket onclose");
        }
    }
}

}  // namespace duplex::detail
