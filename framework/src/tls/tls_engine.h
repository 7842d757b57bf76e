// TlsEngine: one TLS connection's state machine (an OpenSSL SSL) between wire bytes and plaintext, with no I/O
// of its own: feed() takes what the socket read and hands up the plaintext, seal() turns queued plaintext into
// wire bytes. Its BIO reads straight from the bytes given to feed() and writes into the string seal() fills, so
// nothing is copied twice and an idle connection holds no buffer (with SSL_MODE_RELEASE_BUFFERS, OpenSSL
// frees its record buffers too). Pure enough to test two engines against each other in memory.
//
// Lifetime: owns its SSL; the caller owns the engine. Threads: one thread at a time.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

namespace duplex::detail::tls {

class TlsEngine {
public:
    // Receives plaintext: `data` is valid during the call only. Returning false stops feed() at once (the
    // reader closed its connection).
    struct Reader {
        virtual bool plaintext(char* data, std::size_t len) = 0;

    protected:
        ~Reader() = default;
    };
    enum class Status { Ok, Closed, Failed };  // Closed: the peer said goodbye (close_notify)

    // Takes ownership of ssl (in accept or connect state).
    explicit TlsEngine(SSL* ssl);
    ~TlsEngine();
    TlsEngine(const TlsEngine&) = delete;
    TlsEngine& operator=(const TlsEngine&) = delete;

    // Runs the handshake and reads records from `data`, handing plaintext to reader. After Failed the
    // engine stays failed: error() says why and wire_pending() may hold an alert for the peer.
    Status feed(const char* data, std::size_t len, Reader& reader);
    // Appends to wire everything due: handshake or alert bytes made meanwhile, then, once the handshake is
    // done, all of `plain` as records (plain is emptied); with `ending`, a close_notify after them (once).
    // Before the handshake is done `plain` waits, unless ending (then it is dropped). False on a fatal error.
    bool seal(std::string& plain, std::string& wire, bool ending);

    bool handshake_done() const { return done_; }
    bool failed() const { return failed_; }
    bool wire_pending() const { return !out_.empty(); }
    // Why the engine failed: the certificate check's verdict when that failed, else OpenSSL's reason.
    const std::string& error() const { return error_; }
    SSL* ssl() const { return ssl_; }

private:
    static int bio_write(BIO* bio, const char* data, std::size_t len, std::size_t* written);
    static int bio_read(BIO* bio, char* data, std::size_t len, std::size_t* read);
    static long bio_ctrl(BIO* bio, int cmd, long num, void* ptr);
    static BIO_METHOD* bio_method();
    bool step_handshake();
    void fail();

    SSL* ssl_;
    std::string out_;             // wire bytes made outside seal() (handshake replies, alerts, tickets)
    std::string* sink_ = &out_;   // where the BIO writes: seal()'s wire while it runs
    const char* in_ = nullptr;    // the bytes feed() was given, not yet taken by OpenSSL
    std::size_t in_len_ = 0;
    std::string error_;
    bool done_ = false;
    bool failed_ = false;
    bool goodbye_sent_ = false;
};

}  // namespace duplex::detail::tls
