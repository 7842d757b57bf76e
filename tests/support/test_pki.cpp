#include "support/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace testing_support {
namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    require(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A certificate for `cn` valid from `from_days` to `to_days` (relative to now), issued by issuer (or itself).
TestCert make_cert(const TempDir& dir, const std::string& name, const char* cn, const char* san, bool is_ca,
                   long from_days, long to_days, const TestCert* issuer) {
    TestCert out;
    out.key = EVP_EC_gen("P-256");
    require(out.key != nullptr, "key");
    X509* c = X509_new();
    out.cert = c;
    X509_set_version(c, 2);
    static long serial = 1000;
    ASN1_INTEGER_set(X509_get_serialNumber(c), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(c), from_days * 86400);
    X509_gmtime_adj(X509_getm_notAfter(c), to_days * 86400);
    X509_set_pubkey(c, out.key);
    X509_NAME* subject = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509* issuer_cert = issuer ? issuer->cert : c;
    X509_set_issuer_name(c, X509_get_subject_name(issuer_cert));
    add_ext(c, issuer_cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_ext(c, issuer_cert, NID_subject_key_identifier, "hash");
    if (is_ca) add_ext(c, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    else add_ext(c, issuer_cert, NID_ext_key_usage, "serverAuth");
    if (san) add_ext(c, issuer_cert, NID_subject_alt_name, san);
    require(X509_sign(c, issuer ? issuer->key : out.key, EVP_sha256()) > 0, "sign");
    out.cert_file = dir.path() + "/" + name + ".pem";
    out.key_file = dir.path() + "/" + name + ".key";
    FILE* f = std::fopen(out.cert_file.c_str(), "w");
    require(f && PEM_write_X509(f, c) == 1, "write cert");
    std::fclose(f);
    f = std::fopen(out.key_file.c_str(), "w");
    require(f && PEM_write_PrivateKey(f, out.key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write key");
    std::fclose(f);
    return out;
}

std::string spki_sha256(X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
    unsigned char digest[32];
    unsigned int n = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), digest, &n, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    unsigned char b64[64];
    const int out = EVP_EncodeBlock(b64, digest, static_cast<int>(n));
    return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(out));
}

}  // namespace

TestPki::TestPki() {
    const char* names = "DNS:localhost,IP:127.0.0.1,IP:::1";
    ca = make_cert(dir, "ca", "duplex test CA", nullptr, true, -1, 30, nullptr);
    server = make_cert(dir, "server", "localhost", names, false, -1, 30, &ca);
    expired = make_cert(dir, "expired", "localhost", names, false, -3, -1, &ca);
    other_host = make_cert(dir, "other", "other.example", "DNS:other.example", false, -1, 30, &ca);
    self_signed = make_cert(dir, "self", "localhost", names, false, -1, 30, nullptr);
    server_spki_sha256 = spki_sha256(server.cert);
}

TestPki::~TestPki() {
    for (TestCert* c : {&ca, &server, &expired, &other_host, &self_signed}) {
        X509_free(c->cert);
        EVP_PKEY_free(c->key);
    }
}

const TestPki& test_pki() {
    static const TestPki pki;
    return pki;
}

SSL_CTX* test_server_context(const TestCert& cert) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    require(SSL_CTX_use_certificate(ctx, cert.cert) == 1 && SSL_CTX_use_PrivateKey(ctx, cert.key) == 1, "server");
    return ctx;
}

SSL_CTX* test_client_context(const TestCert* ca) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ca) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca->cert);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    return ctx;
}

}  // namespace testing_support
