// The client side's OpenSSL context: which CAs to trust (the system store, a CA file or directory) or none
// (insecure_skip_verify), plus the per-connection settings of a wss:// connection (SNI, host name check, ALPN).
//
// Lifetime: contexts are shared and cached per thread, one per distinct TlsClientOptions (a file's later edits
// are not seen by that thread). Threads: any; each thread builds its own.
#pragma once

#include "duplex/tls.h"

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace duplex::detail::tls {

// The context for these options; null with `error` (naming the file and OpenSSL's reason) when a CA file or
// directory cannot be used.
std::shared_ptr<SSL_CTX> client_context(const TlsClientOptions& options, std::string& error);

// A client SSL for one connection to `host` (a name, or an address literal): SNI for a name; unless
// `verify` is false, the certificate must match the name or the address. Null with `error` on failure.
SSL* new_client_ssl(SSL_CTX* ctx, const std::string& host, bool ip_literal, bool verify, std::string& error);

}  // namespace duplex::detail::tls
