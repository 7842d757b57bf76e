// TlsChannel: TLS under a Socket's Protocol. The Socket's SocketFilter: it feeds what the socket reads to a
// TlsEngine and hands the plaintext to the inner Protocol (HTTP, WebSocket, the client handshake), and seals
// what the protocol queued at the socket's once-per-turn flush. The engines above see plaintext only.
//
// A handshake that fails (plaintext HTTP, garbage, an unknown CA, an h2-only client, an alert) ends the
// connection: the alert is sent when there is one, then a graceful close; the inner Protocol sees on_closed
// only. The client side is told why first (on_failed).
//
// Lifetime: the Socket holds it (Socket::start_filtered) until on_closed; it holds the inner Protocol and what
// keeps its OpenSSL context alive. Threads: loop thread only.
#pragma once

#include "net/socket_filter.h"
#include "tls/tls_engine.h"

#include <functional>
#include <memory>
#include <string>

namespace duplex::detail {
class Socket;
}

namespace duplex::detail::tls {

class TlsChannel final : public SocketFilter, private TlsEngine::Reader {
public:
    using Failed = std::function<void(const std::string& reason)>;

    // ssl: owned from here on. keep_alive: whatever owns the SSL_CTX the ssl came from.
    TlsChannel(Socket& socket, SSL* ssl, std::shared_ptr<const void> keep_alive, std::shared_ptr<Protocol> inner,
               Failed on_failed = {});

    const TlsEngine& engine() const { return engine_; }

    // SocketFilter
    void set_inner(std::shared_ptr<Protocol> inner) override { inner_ = std::move(inner); }
    bool seal(std::string& plain, std::string& wire, bool ending) override;
    bool wire_pending() const override { return engine_.wire_pending(); }

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_drain() override;
    void on_timeout() override;
    void on_closed(int status) override;
    std::size_t read_backlog_limit() const override;

private:
    bool plaintext(char* data, std::size_t len) override;
    void handshake_failed();
    void report(const std::string& reason);  // tells on_failed, once

    Socket* socket_;  // null after on_closed
    TlsEngine engine_;
    std::shared_ptr<const void> keep_alive_;
    std::shared_ptr<Protocol> inner_;
    Failed on_failed_;
};

}  // namespace duplex::detail::tls
