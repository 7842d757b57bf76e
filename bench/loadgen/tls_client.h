// The client side of TLS for wss:// runs: one OpenSSL context per run and one SSL object per connection, driven
// straight on the connection's non-blocking socket. TLS 1.3 only; no certificate verification (the bench talks to
// servers it started itself on loopback, with a certificate made for the run); no session cache and no tickets kept,
// so every connection pays a full handshake, as a new visitor does.
//
// Lifetime: a TlsClient is owned by the ClientLoop of a wss:// run and outlives every SSL it attached; each SSL is
// freed by release() when its connection closes. Thread: the program's only thread.
#pragma once

#include <sys/types.h>

#include <cstddef>

struct ssl_st;
struct ssl_ctx_st;

namespace loadgen {

class TlsClient {
public:
    TlsClient();  // throws std::runtime_error when OpenSSL cannot make the context
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    // A new client SSL on the connected socket fd, or nullptr.
    ssl_st* attach(int fd);
    static void release(ssl_st* ssl);

    enum class Step { done, wait_read, wait_write, failed };
    // Advances the handshake as far as the socket allows.
    static Step handshake(ssl_st* ssl);

    // Like recv(2) and send(2): bytes moved, or -1 with errno EAGAIN (the socket must become readable or writable
    // first) or ECONNRESET (an error or a TLS alert), or 0 from read at the peer's close_notify or EOF.
    static ssize_t read(ssl_st* ssl, char* data, std::size_t size);
    static ssize_t write(ssl_st* ssl, const char* data, std::size_t size);
    // Whether OpenSSL holds received bytes that no read has returned yet (read-ahead may take several records from
    // the socket at once, and level-triggered epoll does not report those again).
    static bool has_pending(ssl_st* ssl);

private:
    ssl_ctx_st* ctx_ = nullptr;
};

}  // namespace loadgen
