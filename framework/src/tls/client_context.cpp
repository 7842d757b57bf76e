#include "tls/client_context.h"

#include "tls/tls_errors.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <map>
#include <tuple>

namespace duplex::detail::tls {
namespace {

constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

SSL_CTX* make_client_context(const TlsClientOptions& o, std::string& error) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        error = "cannot create a TLS context: " + take_errors();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_alpn_protos(ctx, kHttp11, sizeof kHttp11);
    if (o.insecure_skip_verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        return ctx;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    int ok;
    std::string what;
    if (!o.ca_file.empty() || !o.ca_dir.empty()) {
        ok = SSL_CTX_load_verify_locations(ctx, o.ca_file.empty() ? nullptr : o.ca_file.c_str(),
                                           o.ca_dir.empty() ? nullptr : o.ca_dir.c_str());
        what = "cannot use the CA file or directory '" + (o.ca_file.empty() ? o.ca_dir : o.ca_file) + "'";
    } else {
        ok = SSL_CTX_set_default_verify_paths(ctx);
        what = "cannot use the system's trusted certificates";
    }
    if (ok != 1) {
        error = what + ": " + take_errors();
        SSL_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

}  // namespace

std::shared_ptr<SSL_CTX> client_context(const TlsClientOptions& o, std::string& error) {
    using Key = std::tuple<std::string, std::string, bool>;
    thread_local std::map<Key, std::shared_ptr<SSL_CTX>> cache;
    Key key{o.ca_file, o.ca_dir, o.insecure_skip_verify};
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    SSL_CTX* ctx = make_client_context(o, error);
    if (!ctx) return nullptr;
    std::shared_ptr<SSL_CTX> shared(ctx, SSL_CTX_free);
    cache.emplace(std::move(key), shared);
    return shared;
}

SSL* new_client_ssl(SSL_CTX* ctx, const std::string& host, bool ip_literal, bool verify, std::string& error) {
    ERR_clear_error();
    SSL* ssl = SSL_new(ctx);
    bool ok = ssl != nullptr;
    if (ok && !ip_literal) ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;  // SNI carries names only
    if (ok && verify) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                        : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
    }
    if (!ok) {
        error = "cannot set up TLS for '" + host + "': " + take_errors();
        SSL_free(ssl);
        return nullptr;
    }
    SSL_set_connect_state(ssl);
    return ssl;
}

}  // namespace duplex::detail::tls
