#include "support/tls_raw.h"

#include "support/test_pki.h"

#include <openssl/err.h>

#include <chrono>

namespace testing_support {

TlsRaw::TlsRaw(const std::string& host) : ctx_(test_client_context(&test_pki().ca)), ssl_(SSL_new(ctx_)) {
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    SSL_set1_host(ssl_, host.c_str());
    SSL_set_connect_state(ssl_);
}

TlsRaw::~TlsRaw() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
}

std::string TlsRaw::take_output() {
    std::string out;
    char buf[16384];
    int n;
    while ((n = BIO_read(out_, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

bool TlsRaw::handshake(RawClient& conn) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        ERR_clear_error();
        const int r = SSL_do_handshake(ssl_);
        const std::string wire = take_output();
        if (!wire.empty()) conn.send(wire);
        if (r == 1) return true;
        if (SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ) break;
        const std::string got = conn.recv_some(std::chrono::seconds(2));  // the whole buffer: taken below
        conn.buffer().clear();
        if (got.empty()) {
            error_ = "the server sent nothing";
            return false;
        }
        BIO_write(in_, got.data(), static_cast<int>(got.size()));
    }
    char reason[256];
    ERR_error_string_n(ERR_peek_last_error(), reason, sizeof reason);
    if (error_.empty()) error_ = reason;
    return false;
}

std::string TlsRaw::seal(const std::string& plain) {
    SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
    return take_output();
}

}  // namespace testing_support
