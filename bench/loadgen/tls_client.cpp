#include "tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <climits>
#include <stdexcept>

namespace loadgen {

namespace {

// One SSL call's outcome in errno terms. The error queue is cleared so a failure cannot linger into the next call.
ssize_t io_result(SSL* ssl, int rc) {
    if (rc > 0) return rc;
    const int error = SSL_get_error(ssl, rc);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        errno = EAGAIN;
        return -1;
    }
    if (error == SSL_ERROR_ZERO_RETURN) return 0;
    errno = ECONNRESET;
    return -1;
}

int clamp(std::size_t size) { return size > INT_MAX ? INT_MAX : static_cast<int>(size); }

}  // namespace

TlsClient::TlsClient() : ctx_(SSL_CTX_new(TLS_client_method())) {
    if (!ctx_) throw std::runtime_error("cannot create a TLS client context");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
    // Partial writes and a moving buffer: Conn::out may grow (and move) between a write that would block and its
    // retry. Released buffers keep 10,000 idle wss connections from holding 10,000 read and write buffers here.
    SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
    // One recv() takes whatever records have arrived instead of a header and a body apiece.
    SSL_CTX_set_read_ahead(ctx_, 1);
}

TlsClient::~TlsClient() { SSL_CTX_free(ctx_); }

ssl_st* TlsClient::attach(int fd) {
    SSL* ssl = SSL_new(ctx_);
    if (ssl && SSL_set_fd(ssl, fd) == 1) {
        SSL_set_connect_state(ssl);
        return ssl;
    }
    SSL_free(ssl);
    ERR_clear_error();
    return nullptr;
}

void TlsClient::release(ssl_st* ssl) { SSL_free(ssl); }

TlsClient::Step TlsClient::handshake(ssl_st* ssl) {
    const int rc = SSL_do_handshake(ssl);
    if (rc == 1) return Step::done;
    const int error = SSL_get_error(ssl, rc);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ) return Step::wait_read;
    if (error == SSL_ERROR_WANT_WRITE) return Step::wait_write;
    return Step::failed;
}

ssize_t TlsClient::read(ssl_st* ssl, char* data, std::size_t size) {
    return io_result(ssl, SSL_read(ssl, data, clamp(size)));
}

ssize_t TlsClient::write(ssl_st* ssl, const char* data, std::size_t size) {
    return io_result(ssl, SSL_write(ssl, data, clamp(size)));
}

bool TlsClient::has_pending(ssl_st* ssl) { return SSL_has_pending(ssl) == 1; }

}  // namespace loadgen
