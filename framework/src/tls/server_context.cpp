#include "tls/server_context.h"

#include "tls/tls_errors.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace duplex::detail::tls {
namespace {

// TLS 1.2 suites with forward secrecy and AEAD only; TLS 1.3's are all of that kind (OpenSSL's default list).
constexpr const char* kCiphers12 =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
constexpr unsigned char kSessionContext[] = "duplex";

// ALPN: http/1.1 when offered; a client that offers only something else (h2) gets a no_application_protocol
// alert, a clean failure instead of a connection that would speak HTTP/1.1 to an HTTP/2 client.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned in_len,
                void*) {
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, out_len, kHttp11, sizeof kHttp11, in, in_len) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

bool fail(std::string& error, const char* what, const std::string& file) {
    error = std::string(what) + " '" + file + "': " + take_errors();
    return false;
}

// One context with the fixed defaults and one certificate + key.
SSL_CTX* make_context(const std::string& cert_file, const std::string& key_file, std::string& error) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        error = "cannot create a TLS context: " + take_errors();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_cipher_list(ctx, kCiphers12);
    // Record buffers are freed while a connection is idle: an idle TLS connection costs its SSL object only.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    // Resumption by tickets only (TicketKeys): no per-context cache of sessions, which would neither cross
    // the threads of a Cluster nor stay small under a flood of handshakes.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
    bool ok = true;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
        ok = fail(error, "cannot use the certificate chain file", cert_file);
    else if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        ok = fail(error, "cannot use the private key file", key_file);
    else if (SSL_CTX_check_private_key(ctx) != 1)
        ok = fail(error, ("the private key file '" + key_file + "' does not match the certificate in").c_str(),
                  cert_file);
    if (!ok) {
        SSL_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

}  // namespace

std::shared_ptr<const ServerContext> ServerContext::create(const TlsOptions& options, std::string& error,
                                                           std::shared_ptr<TicketKeys> tickets) {
    std::shared_ptr<ServerContext> out(new ServerContext());
    out->tickets_ = tickets ? std::move(tickets) : TicketKeys::shared(options);
    if (options.key_file.empty()) {
        error = "TLS needs a private key file with the certificate '" + options.cert_file + "'";
        return nullptr;
    }
    out->main_ = make_context(options.cert_file, options.key_file, error);
    if (!out->main_) return nullptr;
    for (const TlsCertificate& c : options.sni) {
        SSL_CTX* ctx = make_context(c.cert_file, c.key_file, error);
        if (!ctx) return nullptr;
        out->by_name_.push_back(ctx);
    }
    // OpenSSL seals and opens tickets with the context the handshake started on (main_); the SNI ones get
    // the ring too, so the callback finds it whichever context the connection ends up with.
    out->tickets_->attach(out->main_);
    for (SSL_CTX* ctx : out->by_name_) out->tickets_->attach(ctx);
    if (!out->by_name_.empty()) {
        SSL_CTX_set_tlsext_servername_callback(out->main_, on_server_name);
        SSL_CTX_set_tlsext_servername_arg(out->main_, out.get());
    }
    if (!options.client_ca_file.empty()) {
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
        if (!names || SSL_CTX_load_verify_locations(out->main_, options.client_ca_file.c_str(), nullptr) != 1) {
            if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
            fail(error, "cannot use the client CA file", options.client_ca_file);
            return nullptr;
        }
        SSL_CTX_set_client_CA_list(out->main_, names);
        SSL_CTX_set_verify(out->main_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        for (SSL_CTX* ctx : out->by_name_) {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
            SSL_CTX_set_cert_store(ctx, SSL_CTX_get_cert_store(out->main_));
            X509_STORE_up_ref(SSL_CTX_get_cert_store(out->main_));
        }
    }
    return out;
}

ServerContext::~ServerContext() {
    for (SSL_CTX* ctx : by_name_) SSL_CTX_free(ctx);
    SSL_CTX_free(main_);
}

SSL* ServerContext::new_ssl() const {
    SSL* ssl = SSL_new(main_);
    if (ssl) SSL_set_accept_state(ssl);
    return ssl;
}

// SNI: the first extra certificate that names the host (exact or wildcard, as X509_check_host judges) serves
// the handshake; any other name keeps the default one.
int ServerContext::on_server_name(SSL* ssl, int*, void* arg) {
    const auto* self = static_cast<const ServerContext*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name) return SSL_TLSEXT_ERR_NOACK;
    for (SSL_CTX* ctx : self->by_name_) {
        X509* cert = SSL_CTX_get0_certificate(ctx);
        if (cert && X509_check_host(cert, name, 0, 0, nullptr) == 1) {
            SSL_set_SSL_CTX(ssl, ctx);
            return SSL_TLSEXT_ERR_OK;
        }
    }
    return SSL_TLSEXT_ERR_OK;
}

bool ServerCertificates::load(const TlsOptions& options, std::string& error) {
    options_ = options;
    current_ = ServerContext::create(options_, error);
    return current_ != nullptr;
}

}  // namespace duplex::detail::tls
