#include "tls/tls_engine.h"

#include "tls/tls_errors.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>

namespace duplex::detail::tls {
namespace {
// Plaintext of up to four full records is handed up in one call; one buffer per thread.
constexpr std::size_t kPlainBuffer = 64 * 1024;
char* plain_buffer() {
    thread_local std::unique_ptr<char[]> buffer(new char[kPlainBuffer]);
    return buffer.get();
}

// SSL_get_error needs this thread's error queue empty before each call. ERR_clear_error wipes all sixteen
// slots (about 800 instructions in OpenSSL 3, three times per echoed message); the queue is nearly always empty
// already, and looking costs a tenth of that.
inline void clear_errors() {
    if (ERR_peek_error() != 0) ERR_clear_error();
}
}  // namespace

BIO_METHOD* TlsEngine::bio_method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "duplex socket");
        BIO_meth_set_write_ex(m, bio_write);
        BIO_meth_set_read_ex(m, bio_read);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, [](BIO* b) {
            BIO_set_init(b, 1);
            return 1;
        });
        return m;
    }();
    return method;
}

int TlsEngine::bio_write(BIO* bio, const char* data, std::size_t len, std::size_t* written) {
    auto* self = static_cast<TlsEngine*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    self->sink_->append(data, len);
    *written = len;
    return 1;
}

int TlsEngine::bio_read(BIO* bio, char* data, std::size_t len, std::size_t* read) {
    auto* self = static_cast<TlsEngine*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (self->in_len_ == 0) {
        BIO_set_retry_read(bio);  // nothing more now: OpenSSL keeps a partial record in its own buffer
        *read = 0;
        return 0;
    }
    const std::size_t n = len < self->in_len_ ? len : self->in_len_;
    std::memcpy(data, self->in_, n);
    self->in_ += n;
    self->in_len_ -= n;
    *read = n;
    return 1;
}

long TlsEngine::bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

TlsEngine::TlsEngine(SSL* ssl) : ssl_(ssl) {
    BIO* bio = BIO_new(bio_method());
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio);  // one BIO both ways: SSL_set_bio takes over BIO_new's one reference
}

TlsEngine::~TlsEngine() { SSL_free(ssl_); }

void TlsEngine::fail() {
    failed_ = true;
    const long verdict = SSL_get_verify_result(ssl_);
    if (verdict != X509_V_OK) {
        ERR_clear_error();
        error_ = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verdict);
    } else {
        error_ = take_errors("the peer closed the connection or broke the protocol");
    }
}

bool TlsEngine::step_handshake() {
    clear_errors();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        done_ = true;
        return true;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) fail();
    return false;
}

TlsEngine::Status TlsEngine::feed(const char* data, std::size_t len, Reader& reader) {
    if (failed_) return Status::Failed;
    in_ = data;
    in_len_ = len;
    Status status = Status::Ok;
    if (!done_ && !step_handshake()) {
        status = failed_ ? Status::Failed : Status::Ok;
    } else {
        char* buf = plain_buffer();
        std::size_t filled = 0;
        for (;;) {
            std::size_t got = 0;
            clear_errors();
            const int r = SSL_read_ex(ssl_, buf + filled, kPlainBuffer - filled, &got);
            if (r == 1) {
                filled += got;
                // Without read-ahead OpenSSL takes whole records from the BIO only: with every byte taken and the
                // record handed out in full, another SSL_read_ex would only say WANT_READ. Skip that call.
                if (in_len_ == 0 && SSL_pending(ssl_) == 0) {
                    if (filled > 0) reader.plaintext(buf, filled);
                    break;
                }
                if (filled < kPlainBuffer) continue;
                filled = 0;
                if (!reader.plaintext(buf, kPlainBuffer)) break;
                continue;
            }
            const int e = SSL_get_error(ssl_, r);
            if (filled > 0 && !reader.plaintext(buf, filled)) break;
            filled = 0;
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
            if (e == SSL_ERROR_ZERO_RETURN) status = Status::Closed;
            else fail(), status = Status::Failed;
            break;
        }
    }
    in_ = nullptr;
    in_len_ = 0;
    return status;
}

bool TlsEngine::seal(std::string& plain, std::string& wire, bool ending) {
    if (!out_.empty()) {
        if (wire.empty()) wire.swap(out_);
        else wire.append(out_);
        std::string().swap(out_);  // handshake-sized: not worth keeping on an idle connection
    }
    if (failed_) {
        plain.clear();
        return true;  // only the alert goes out
    }
    sink_ = &wire;
    bool ok = true;
    if (!done_ && !step_handshake()) {  // a client's first seal sends the ClientHello
        if (ending) plain.clear();
        ok = !failed_;
    } else {
        if (!plain.empty()) {
            std::size_t written = 0;
            clear_errors();
            if (SSL_write_ex(ssl_, plain.data(), plain.size(), &written) != 1) {
                fail();
                ok = false;
            }
            plain.clear();
        }
        if (ok && ending && !goodbye_sent_) {
            goodbye_sent_ = true;
            SSL_shutdown(ssl_);
        }
    }
    sink_ = &out_;
    return ok;
}

}  // namespace duplex::detail::tls
