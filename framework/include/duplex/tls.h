/// @file
/// TLS settings: duplex::TlsOptions for a listener (App and WsServer serve https / wss with them) and
/// duplex::TlsClientOptions for duplex::connect to a wss:// URL. TLS runs under the HTTP and WebSocket engines
/// (OpenSSL 3), on the loop thread, with no thread of its own.
///
/// Server defaults, not configurable on purpose: TLS 1.2 and 1.3 only; forward-secret AEAD ciphers only (ECDHE
/// with AES-GCM or ChaCha20-Poly1305 for 1.2); no renegotiation; no compression; session tickets (no
/// server-side session cache), their keys rotated every TlsOptions::ticket_key_rotation; ALPN
/// `http/1.1` (a client that offers only other protocols, such as `h2`, fails the handshake with an alert); the
/// handshake must finish within HttpOptions::header_timeout.
///
/// Lifetime: plain values, copied by listen() / connect(). Threads: any.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace duplex {

/// A certificate (PEM chain, leaf first) and its private key (PEM), as files.
struct TlsCertificate {
    std::string cert_file;  ///< PEM certificate chain, leaf first
    std::string key_file;   ///< PEM private key of the leaf
};

/// TLS for a listener (ListenOptions::tls). An empty cert_file means plaintext.
struct TlsOptions {
    std::string cert_file;  ///< PEM certificate chain, leaf first; empty: no TLS
    std::string key_file;   ///< PEM private key of the leaf
    /// Extra certificates chosen by the name a client asks for (SNI): each one serves the names its
    /// certificate holds (subject alternative names, exact or wildcard). Other names get cert_file.
    std::vector<TlsCertificate> sni;
    /// When set, clients must present a certificate issued by a CA in this PEM file (mutual TLS); off by default.
    std::string client_ca_file;
    /// How often the key that seals session tickets changes. A ticket resumes for up to two intervals: under
    /// the current key, or under the previous one (then it is renewed); older tickets get a full handshake.
    /// The keys are random, in memory only, and shared by every listener of the process with the same
    /// options (so by every thread of a Cluster); a certificate reload keeps them.
    std::chrono::milliseconds ticket_key_rotation = std::chrono::hours(1);

    /// True when TLS is configured.
    bool enabled() const { return !cert_file.empty(); }
};

/// TLS for duplex::connect to a wss:// URL (ClientOptions::tls). By default the server's chain is verified
/// against the system's trust store and its certificate must name the URL's host (a DNS name, or the IP address
/// for an address literal); the name is sent as SNI.
struct TlsClientOptions {
    std::string ca_file;  ///< trust the CAs in this PEM file instead of the system store
    std::string ca_dir;   ///< trust the CAs in this hashed directory (c_rehash) instead of the system store
    /// Skips every check of the server's certificate (chain, dates, name): anyone on the path can read and
    /// change the traffic. For tests against a self-signed server only.
    bool insecure_skip_verify = false;
};

}  // namespace duplex
