// TicketKeys: the keys that seal TLS session tickets (TLS 1.2 tickets and TLS 1.3 resumption), as a ring of
// two: new tickets are sealed with the current key; a ticket under the previous key still resumes and is
// renewed (a new ticket under the current key); anything older gets a full handshake. Each key is 80 random
// bytes (RAND_bytes: a 16-byte name, an AES-256-CBC key, an HMAC-SHA256 key) and never leaves the process.
//
// Rotation is driven by time, not by a timer: the first ticket operation at or after the next rotation time
// rotates (once per interval that passed: after two or more, both keys are new). So the ring needs no loop.
//
// Sharing: every listener built from the same TlsOptions in one process (the threads of a Cluster each build
// their own ServerContext) gets the same TicketKeys from shared(), so a ticket issued on one loop thread
// resumes on another, and a certificate reload keeps the ring (tickets survive reloads). Listeners with other
// options (another certificate, another client CA) get their own ring: a ticket never crosses them.
// The ring is guarded by a mutex held for a copy of one key (once per handshake that issues or reads a ticket).
//
// Lifetime: shared_ptr, held by every ServerContext that uses it (and so by each connection's context).
// Threads: any.
#pragma once

#include "duplex/tls.h"

#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace duplex::detail::tls {

class TicketKeys {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // A ring rotating every `interval` (at least 1 ms), reading the time from `clock` (tests inject one).
    explicit TicketKeys(std::chrono::milliseconds interval, Clock clock = &std::chrono::steady_clock::now);
    ~TicketKeys();  // wipes the keys
    TicketKeys(const TicketKeys&) = delete;
    TicketKeys& operator=(const TicketKeys&) = delete;

    // The process's ring for listeners with these options (made on first use, freed with its last user).
    static std::shared_ptr<TicketKeys> shared(const TlsOptions& options);

    // Seals and opens ctx's tickets with this ring. The ring must outlive ctx.
    void attach(SSL_CTX* ctx);

private:
    struct Key {
        std::array<unsigned char, 16> name{};
        std::array<unsigned char, 32> aes{};
        std::array<unsigned char, 32> hmac{};
    };
    enum class Found { None, Current, Previous };

    static int on_ticket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                         EVP_MAC_CTX* mac, int encrypt);
    static bool fresh(Key& key);
    // Under mutex_: rotates when due. False when no random bytes could be had.
    bool rotate_if_due();
    bool current(Key& out);
    Found find(const unsigned char* name, Key& out);

    const std::chrono::milliseconds interval_;
    const Clock clock_;
    std::mutex mutex_;
    Key current_;
    Key previous_;
    bool have_previous_ = false;
    bool ready_ = false;  // current_ holds a key
    std::chrono::steady_clock::time_point rotated_at_;
};

}  // namespace duplex::detail::tls
