#include "duplex/websocket.h"

#include "ws/ws_endpoints.h"
#include "ws/ws_session.h"

namespace duplex {

ReadyState WebSocket::ready_state() const {
    auto s = session_.lock();
    return s ? s->state() : ReadyState::Closed;
}

SendResult WebSocket::send(std::string_view text) {
    auto s = session_.lock();
    return s ? s->send(detail::ws::Opcode::Text, text) : SendResult::Closed;
}

SendResult WebSocket::send_binary(std::string_view bytes) {
    auto s = session_.lock();
    return s ? s->send(detail::ws::Opcode::Binary, bytes) : SendResult::Closed;
}

SendResult WebSocket::ping(std::string_view payload) {
    auto s = session_.lock();
    return s ? s->ping(payload) : SendResult::Closed;
}

std::size_t WebSocket::buffered_amount() const {
    auto s = session_.lock();
    return s ? s->buffered_amount() : 0;
}

void WebSocket::close(std::uint16_t code, std::string_view reason) {
    if (auto s = session_.lock()) s->close(code, reason);
}

void WebSocket::terminate() {
    if (auto s = session_.lock()) s->terminate();
}

std::string WebSocket::protocol() const {
    auto s = session_.lock();
    return s ? s->protocol() : std::string();
}

std::string WebSocket::extensions() const {
    auto s = session_.lock();
    return s ? s->extensions() : std::string();
}

std::string WebSocket::url() const {
    auto s = session_.lock();
    return s ? s->url() : std::string();
}

std::any* WebSocket::data() const {
    auto s = session_.lock();
    return s ? &s->data() : nullptr;
}

bool WebSocket::subscribe(std::string_view topic) {
    auto s = session_.lock();
    if (!s || !s->endpoints() || s->state() != ReadyState::Open) return false;
    return s->endpoints()->subscribe(*s, topic);
}

bool WebSocket::unsubscribe(std::string_view topic) {
    auto s = session_.lock();
    if (!s || !s->endpoints()) return false;
    return s->endpoints()->unsubscribe(*s, topic);
}

}  // namespace duplex
