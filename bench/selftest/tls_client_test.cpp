// Self-test of the load generator's TLS client (wss:// runs) against an OpenSSL server on the other end of a
// non-blocking socket pair, with a throwaway self-signed P-256 certificate made here: a TLS 1.3 handshake, records
// read back in order through read-ahead, a large write, and the peer's close_notify.
#include <doctest/doctest.h>

#include "../loadgen/tls_client.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace {

// A server context with a self-signed certificate for CN=localhost, valid for a day.
SSL_CTX* server_context() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    REQUIRE(SSL_CTX_use_certificate(ctx, cert) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx, key) == 1);
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
}

// Runs both handshakes in turn until both are done (bounded: a stuck handshake fails the test).
bool handshake(ssl_st* client, SSL* server) {
    bool client_done = false, server_done = false;
    for (int round = 0; round < 100 && !(client_done && server_done); ++round) {
        if (!client_done) {
            const auto step = loadgen::TlsClient::handshake(client);
            if (step == loadgen::TlsClient::Step::failed) return false;
            client_done = step == loadgen::TlsClient::Step::done;
        }
        if (!server_done) server_done = SSL_do_handshake(server) == 1;
    }
    return client_done && server_done;
}

// Everything the client can read now, through has_pending as ClientLoop::on_readable does.
std::string read_available(ssl_st* client) {
    std::string got;
    char buffer[64 * 1024];
    for (int i = 0; i < 1000; ++i) {
        const ssize_t n = loadgen::TlsClient::read(client, buffer, sizeof buffer);
        if (n > 0) got.append(buffer, static_cast<std::size_t>(n));
        else if (!loadgen::TlsClient::has_pending(client)) break;
    }
    return got;
}

}  // namespace

TEST_CASE("the load generator's TLS client: a TLS 1.3 handshake, records in order, a large write, close_notify") {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    SSL_CTX* server_ctx = server_context();
    SSL* server = SSL_new(server_ctx);
    SSL_set_fd(server, fds[1]);
    SSL_set_accept_state(server);
    {
        loadgen::TlsClient tls;
        ssl_st* client = tls.attach(fds[0]);
        REQUIRE(client != nullptr);
        REQUIRE(handshake(client, server));
        CHECK(SSL_version(server) == TLS1_3_VERSION);
        CHECK(SSL_session_reused(server) == 0);

        // Three records (after the server's session tickets) come back as one stream, in order.
        for (const std::string part : {"one", "two", "three"})
            REQUIRE(SSL_write(server, part.data(), static_cast<int>(part.size())) > 0);
        CHECK(read_available(client) == "onetwothree");
        char byte;
        CHECK(loadgen::TlsClient::read(client, &byte, 1) == -1);
        CHECK(errno == EAGAIN);

        // A write larger than one record arrives whole (the socket pair's buffer holds it).
        const std::string big(40000, 'x');
        std::size_t written = 0;
        for (int i = 0; i < 100 && written < big.size(); ++i) {
            const ssize_t n = loadgen::TlsClient::write(client, big.data() + written, big.size() - written);
            if (n > 0) written += static_cast<std::size_t>(n);
        }
        REQUIRE(written == big.size());
        std::string received;
        char buffer[16 * 1024];
        for (int i = 0; i < 100 && received.size() < big.size(); ++i) {
            const int n = SSL_read(server, buffer, sizeof buffer);
            if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
        }
        CHECK(received == big);

        // The server's close_notify reads as the end of the stream.
        SSL_shutdown(server);
        CHECK(loadgen::TlsClient::read(client, buffer, sizeof buffer) == 0);
        loadgen::TlsClient::release(client);
    }
    SSL_free(server);
    SSL_CTX_free(server_ctx);
    close(fds[0]);
    close(fds[1]);
}
