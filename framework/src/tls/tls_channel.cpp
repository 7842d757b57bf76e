#include "tls/tls_channel.h"

#include "net/socket.h"

namespace duplex::detail::tls {
namespace {
// After a failed handshake the alert is flushed, then the socket lingers this long for the peer's close.
constexpr std::uint64_t kFailedLingerMs = 200;
}  // namespace

TlsChannel::TlsChannel(Socket& socket, SSL* ssl, std::shared_ptr<const void> keep_alive,
                       std::shared_ptr<Protocol> inner, Failed on_failed)
    : socket_(&socket), engine_(ssl), keep_alive_(std::move(keep_alive)), inner_(std::move(inner)),
      on_failed_(std::move(on_failed)) {}

bool TlsChannel::seal(std::string& plain, std::string& wire, bool ending) {
    const bool ok = engine_.seal(plain, wire, ending);
    if (!ok) report(engine_.error());  // the socket closes when this returns: no end() from inside its flush
    return ok;
}

void TlsChannel::on_data(char* data, std::size_t len) {
    const bool was_done = engine_.handshake_done();
    const TlsEngine::Status status = engine_.feed(data, len, *this);
    if (!socket_ || socket_->closing()) return;
    if (status == TlsEngine::Status::Failed) {
        if (!was_done && !engine_.handshake_done()) return handshake_failed();
        socket_->close(UV_EPROTO);  // a broken record on an open connection: nothing sensible to say
        return;
    }
    // The handshake's reply, or plaintext the protocol queued while the handshake ran, waits for a flush.
    if (engine_.wire_pending() || (!was_done && engine_.handshake_done())) socket_->commit();
    if (status == TlsEngine::Status::Closed) {
        auto keep = inner_;
        keep->on_eof();
    }
}

bool TlsChannel::plaintext(char* data, std::size_t len) {
    auto keep = inner_;  // the protocol may be swapped (upgrade) during the call
    keep->on_data(data, len);
    return socket_ && !socket_->closing();
}

void TlsChannel::report(const std::string& reason) {
    if (!on_failed_) return;
    Failed failed = std::move(on_failed_);
    on_failed_ = nullptr;
    failed(reason);  // may close the socket
}

void TlsChannel::handshake_failed() {
    report(engine_.error());
    if (socket_ && !socket_->closing()) socket_->end(kFailedLingerMs, kFailedLingerMs * 5);
}

void TlsChannel::on_eof() {
    if (!engine_.handshake_done()) {
        // A peer that leaves mid-handshake: nothing to tell the protocol above, which has seen no byte.
        report("the peer closed the connection during the TLS handshake");
        if (socket_) socket_->close();
        return;
    }
    auto keep = inner_;
    keep->on_eof();
}

void TlsChannel::on_drain() {
    auto keep = inner_;
    keep->on_drain();
}

void TlsChannel::on_timeout() {
    auto keep = inner_;
    keep->on_timeout();
}

void TlsChannel::on_closed(int status) {
    socket_ = nullptr;
    auto keep = std::move(inner_);
    keep->on_closed(status);
}

std::size_t TlsChannel::read_backlog_limit() const { return inner_ ? inner_->read_backlog_limit() : 0; }

}  // namespace duplex::detail::tls
