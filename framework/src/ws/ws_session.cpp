#include "ws/ws_session.h"

#include "loop/loop_core.h"
#include "net/socket.h"
#include "util/random.h"
#include "ws/close_frame.h"
#include "ws/frame_writer.h"
#include "ws/utf8.h"
#include "ws/ws_endpoints.h"

#include <atomic>
#include <cstdio>
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
    if (s.capacity() > 1024 * 1024) std::string().swap(s);
}

std::uint64_t ms(std::chrono::milliseconds d) { return static_cast<std::uint64_t>(d.count()); }

}  // namespace

WsSession::WsSession(std::shared_ptr<const WsRoute> route, ws::Role role, std::string url)
    : route_(std::move(route)), role_(role), id_(next_id++), url_(std::move(url)) {}

WsSession::~WsSession() = default;

template <class F>
void WsSession::user(const char* what, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "duplex: exception in WebSocket %s: %s\n", what, e.what());
        if (state_ == ReadyState::Open) fail(CloseCode::InternalError, "handler error");
    } catch (...) {
        std::fprintf(stderr, "duplex: unknown exception in WebSocket %s\n", what);
        if (state_ == ReadyState::Open) fail(CloseCode::InternalError, "handler error");
    }
}

void WsSession::open(Socket& socket, std::optional<ws::DeflateParams> deflate, std::string protocol,
                     std::string extensions, WsEndpoints* endpoints) {
    socket_ = &socket;
    endpoints_ = endpoints;
    deflate_ = deflate;
    protocol_ = std::move(protocol);
    extensions_ = std::move(extensions);
    const WsOptions& o = route_->options;
    reader_.emplace(ws::ReaderConfig{role_, deflate_.has_value(), o.max_message_bytes, o.max_fragments});
    state_ = ReadyState::Open;
    arm_idle();
}

void WsSession::fail_connecting(const std::string& why) {
    if (state_ != ReadyState::Connecting) return;
    state_ = ReadyState::Closed;
    WebSocket ws = handle();
    if (route_->onerror) user("onerror", [&] { route_->onerror(ws, Error(CloseCode::Abnormal, why)); });
    closed_fired_ = true;
    if (route_->onclose) user("onclose", [&] { route_->onclose(ws, CloseEvent{CloseCode::Abnormal, {}, false}); });
}

void WsSession::arm_idle() {
    if (socket_ && state_ == ReadyState::Open) socket_->set_timeout(ms(route_->options.idle_timeout));
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

std::optional<SendResult> WsSession::refuse(std::size_t incoming) {
    if (state_ == ReadyState::Connecting) return SendResult::NotOpen;
    if (state_ != ReadyState::Open || !socket_) return SendResult::Closed;
    const WsOptions& o = route_->options;
    if (buffered_amount() + incoming <= o.max_buffered_bytes) return std::nullopt;
    if (o.backpressure == BackpressurePolicy::Drop) return SendResult::Dropped;
    fail(CloseCode::PolicyViolation, "send buffer limit exceeded");
    return SendResult::Closed;
}

SendResult WsSession::queued() {
    if (buffered_amount() <= route_->options.high_water_bytes) return SendResult::Queued;
    want_drain_ = true;
    return SendResult::Backpressure;
}

SendResult WsSession::send(ws::Opcode op, std::string_view payload) {
    if (auto refused = refuse(payload.size())) return *refused;
    const WsOptions& o = route_->options;
    if (deflate_ && payload.size() >= o.compress_min_bytes) {
        if (!deflater_) {
            bool server = role_ == ws::Role::Server;
            deflater_ = std::make_unique<ws::Deflater>(
                server ? deflate_->server_max_window_bits : deflate_->client_max_window_bits,
                server ? deflate_->server_no_context_takeover : deflate_->client_no_context_takeover);
        }
        std::string& z = deflate_scratch();
        z.clear();
        if (deflater_->deflate(payload, z)) {
            write_frame(op, z, true);
            trim(z);
        } else {
            write_frame(op, payload, false);
        }
    } else {
        write_frame(op, payload, false);
    }
    return queued();
}

SendResult WsSession::send_prepared(std::string_view frame) {
    if (auto refused = refuse(frame.size())) return *refused;
    socket_->write(frame);
    return queued();
}

void WsSession::send_close(std::uint16_t code, std::string_view reason) {
    if (close_sent_ || !socket_) return;
    close_sent_ = true;
    if (code == CloseCode::NoStatus) {
        write_frame(ws::Opcode::Close, {}, false);
        return;
    }
    ws::ClosePayload p = ws::make_close_payload(code, reason);
    write_frame(ws::Opcode::Close, p.view(), false);
}

void WsSession::close(std::uint16_t code, std::string_view reason) {
    if (state_ == ReadyState::Connecting) {
        terminate();
        return;
    }
    if (state_ != ReadyState::Open || !socket_) return;
    if (!ws::is_valid_received_close_code(code)) code = CloseCode::Normal;
    state_ = ReadyState::Closing;
    close_event_ = CloseEvent{code, std::string(reason), false};
    send_close(code, reason);
    socket_->set_timeout(ms(route_->options.close_timeout));
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
    if (route_->onerror) {
        Error err(code, std::string(reason));
        try {
            route_->onerror(ws, err);
        } catch (...) {
            std::fprintf(stderr, "duplex: exception in WebSocket onerror\n");
        }
    }
    if (state_ == ReadyState::Closed) return;  // the handler may have terminated it
    close_event_ = CloseEvent{code, std::string(reason), false};
    state_ = ReadyState::Closing;
    send_close(code, reason);
    // Fail the connection: no waiting for the peer's Close (RFC 6455 7.1.7); our Close is flushed first.
    end_socket();
}

void WsSession::on_data(char* data, std::size_t len) {
    if (!reader_ || state_ == ReadyState::Closed) return;
    ping_outstanding_ = false;
    auto keep = shared_from_this();
    reader_->feed(data, len, *this);
    if (state_ == ReadyState::Open) arm_idle();
}

void WsSession::on_message(ws::Opcode opcode, std::string_view payload, bool compressed) {
    if (state_ != ReadyState::Open) return;  // after our Close, data is discarded (RFC 6455 1.4)
    std::string& z = inflate_scratch();
    if (compressed) {
        if (!inflater_) {
            bool server = role_ == ws::Role::Server;
            inflater_ = std::make_unique<ws::Inflater>(
                server ? deflate_->client_max_window_bits : deflate_->server_max_window_bits,
                server ? deflate_->client_no_context_takeover : deflate_->server_no_context_takeover);
        }
        z.clear();
        switch (inflater_->inflate(payload, z, route_->options.max_message_bytes)) {
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
    if (route_->onmessage) {
        WebSocket ws = handle();
        Message m{payload, opcode == ws::Opcode::Binary};
        user("onmessage", [&] { route_->onmessage(ws, m); });
    }
    if (compressed) trim(z);
}

void WsSession::on_control(ws::Opcode opcode, std::string_view payload) {
    WebSocket ws = handle();
    if (opcode == ws::Opcode::Ping) {
        if (state_ == ReadyState::Open) write_frame(ws::Opcode::Pong, payload, false);
        if (route_->onping) user("onping", [&] { route_->onping(ws, payload); });
        return;
    }
    if (opcode == ws::Opcode::Pong) {
        if (route_->onpong) user("onpong", [&] { route_->onpong(ws, payload); });
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
    if (!failed_) close_event_ = CloseEvent{c.code, std::string(c.reason), true};
    if (!close_sent_) send_close(c.code, {});  // echo the code (RFC 6455 5.5.1)
    state_ = ReadyState::Closing;
    if (!socket_) return;
    // The server closes TCP first (RFC 6455 7.1.1); a client waits for it, bounded.
    if (role_ == ws::Role::Server) end_socket();
    else socket_->set_timeout(ms(route_->options.close_timeout));
}

void WsSession::end_socket() {
    if (!socket_) return;
    const std::uint64_t bound = ms(route_->options.close_timeout);
    socket_->end(bound);
    // Socket::end waits up to 10 s for a stalled write; a peer that never reads must not keep a closing
    // WebSocket (and its buffered bytes) longer than close_timeout. Write progress still extends it.
    socket_->set_timeout(bound);
}

void WsSession::on_error(std::uint16_t close_code, std::string_view reason) { fail(close_code, reason); }

void WsSession::on_eof() {
    if (socket_) socket_->close();
}

void WsSession::on_drain() {
    if (!want_drain_ || state_ != ReadyState::Open) return;
    want_drain_ = false;
    if (route_->ondrain) {
        WebSocket ws = handle();
        user("ondrain", [&] { route_->ondrain(ws); });
    }
}

void WsSession::on_timeout() {
    if (!socket_) return;
    if (state_ == ReadyState::Open && !ping_outstanding_ && route_->options.idle_timeout.count() > 0) {
        // Idle: ask the peer for a sign of life before giving up on it.
        ping_outstanding_ = true;
        write_frame(ws::Opcode::Ping, {}, false);
        socket_->set_timeout(ms(route_->options.idle_timeout));
        return;
    }
    socket_->close(UV_ETIMEDOUT);
}

void WsSession::on_closed(int) {
    state_ = ReadyState::Closed;
    socket_ = nullptr;
    if (!(close_sent_ && close_received_)) close_event_.was_clean = false;
    if (!close_received_ && !failed_) close_event_ = CloseEvent{CloseCode::Abnormal, {}, false};
    if (endpoints_) endpoints_->on_session_closed(*this);
    endpoints_ = nullptr;
    if (closed_fired_) return;
    closed_fired_ = true;
    if (route_->onclose) {
        WebSocket ws = handle();
        CloseEvent ev = close_event_;
        try {
            route_->onclose(ws, ev);
        } catch (...) {
            std::fprintf(stderr, "duplex: exception in WebSocket onclose\n");
        }
    }
}

}  // namespace duplex::detail
