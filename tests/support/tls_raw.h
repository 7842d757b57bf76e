// TlsRaw: a TLS client driven by hand over a RawClient, for tests that must break the protocol on purpose (a
// ClientHello one byte at a time, a connection closed mid-handshake, a record cut short, an ALPN offer of h2
// only). OpenSSL with memory BIOs; the bytes go through the RawClient so the test chooses every write.
//
// Lifetime: owns its SSL; the RawClient is the caller's. Threads: the test's.
#pragma once

#include "support/raw_client.h"

#include <openssl/ssl.h>

#include <string>

namespace testing_support {

class TlsRaw {
public:
    // A client trusting the test CA, for host name `host` (SNI + check).
    explicit TlsRaw(const std::string& host = "localhost");
    ~TlsRaw();
    TlsRaw(const TlsRaw&) = delete;
    TlsRaw& operator=(const TlsRaw&) = delete;

    SSL* ssl() { return ssl_; }
    // The wire bytes OpenSSL has made so far (taken).
    std::string take_output();
    // Runs the handshake over conn (bounded). True when done; else error() says why.
    bool handshake(RawClient& conn);
    // Plaintext -> wire bytes (not sent).
    std::string seal(const std::string& plain);
    std::string error() const { return error_; }

private:
    SSL_CTX* ctx_;
    SSL* ssl_;
    BIO* in_;
    BIO* out_;
    std::string error_;
};

}  // namespace testing_support
