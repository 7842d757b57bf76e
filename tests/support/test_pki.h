// TestPki: certificates made at test time (no private key is committed): a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, one that has expired, one for another host, and a self-signed one, each
// as PEM files in a temporary directory and as OpenSSL objects for in-memory tests. EC P-256 keys: fast to make.
//
// Lifetime: test_pki() makes them once per process; they last until exit (the directory is removed then). Threads: call test_pki() first from
// one thread; afterwards read-only.
#pragma once

#include "support/temp_dir.h"

#include <openssl/ssl.h>

#include <string>

namespace testing_support {

struct TestCert {
    std::string cert_file;  // PEM: the certificate (leaf)
    std::string key_file;   // PEM: its private key
    X509* cert = nullptr;
    EVP_PKEY* key = nullptr;
};

struct TestPki {
    TestPki();
    ~TestPki();
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    TempDir dir;
    TestCert ca;          // the test CA (trust it with ca.cert_file)
    TestCert server;      // 127.0.0.1, ::1, localhost; issued by ca
    TestCert expired;     // the same names, issued by ca, expired yesterday
    TestCert other_host;  // other.example only, issued by ca
    TestCert self_signed; // 127.0.0.1 and localhost, its own issuer
    std::string server_spki_sha256;  // base64 SHA-256 of server's public key (Chromium's SPKI list)
};

const TestPki& test_pki();

// An SSL_CTX for a server with `cert` (TLS 1.2+), or for a client trusting `ca` (when given).
SSL_CTX* test_server_context(const TestCert& cert);
SSL_CTX* test_client_context(const TestCert* ca);

}  // namespace testing_support
