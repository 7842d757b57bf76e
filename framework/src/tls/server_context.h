// ServerContext: the OpenSSL contexts of one TLS listener, built from TlsOptions with duplex's fixed defaults
// (tls.h lists them): the default certificate, one context per SNI certificate, client verification.
// ServerCertificates: a listener's current ServerContext and the options to build it again (reload).
//
// Lifetime: a ServerContext is immutable and shared: each connection holds the one it started with, so a reload
// never changes a handshake under way. ServerCertificates belongs to its listener's server. Threads: the loop
// thread of that server.
#pragma once

#include "duplex/tls.h"
#include "tls/ticket_keys.h"

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

namespace duplex::detail::tls {

class ServerContext {
public:
    // Null with `error` naming the file and OpenSSL's reason when a certificate or key cannot be used.
    // Tickets are sealed with `tickets`, or by default with the process's ring for these options
    // (TicketKeys::shared).
    static std::shared_ptr<const ServerContext> create(const TlsOptions& options, std::string& error,
                                                       std::shared_ptr<TicketKeys> tickets = nullptr);
    ~ServerContext();
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;

    // A new server-side SSL for one connection (null when out of memory).
    SSL* new_ssl() const;

private:
    ServerContext() = default;
    static int on_server_name(SSL* ssl, int* alert, void* arg);

    SSL_CTX* main_ = nullptr;
    std::vector<SSL_CTX*> by_name_;  // the SNI certificates, in the order given
    std::shared_ptr<TicketKeys> tickets_;  // outlives the contexts above
};

class ServerCertificates {
public:
    // Builds the first context; false with `error` set when it cannot.
    bool load(const TlsOptions& options, std::string& error);
    // A context built again from the same files (for a reload), or null with `error`.
    std::shared_ptr<const ServerContext> rebuild(std::string& error) const {
        return ServerContext::create(options_, error);
    }
    // New handshakes use `next`; connections keep the context they started with.
    void install(std::shared_ptr<const ServerContext> next) { current_ = std::move(next); }
    const std::shared_ptr<const ServerContext>& current() const { return current_; }

private:
    TlsOptions options_;
    std::shared_ptr<const ServerContext> current_;
};

}  // namespace duplex::detail::tls
