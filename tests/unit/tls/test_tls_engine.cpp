// TlsEngine in memory: a client and a server engine built with duplex's own contexts (server defaults, client
// verification) exchange bytes through strings, cut in random splits and one byte at a time.
#include "support/gcc_restrict_bug.h"
#include "support/test_pki.h"
#include "tls/client_context.h"
#include "tls/server_context.h"
#include "tls/ticket_keys.h"
#include "tls/tls_engine.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>

using duplex::detail::tls::TlsEngine;
namespace tls = duplex::detail::tls;

namespace {

struct Collect final : TlsEngine::Reader {
    std::string got;
    bool plaintext(char* data, std::size_t len) override {
        got.append(data, len);
        return true;
    }
};

// One side: its engine, what it received, what it wants to send.
struct Side {
    std::unique_ptr<TlsEngine> engine;
    Collect in;
    std::string plain;
    TlsEngine::Status last = TlsEngine::Status::Ok;
};

struct Pair {
    std::shared_ptr<const tls::ServerContext> server_ctx;
    std::shared_ptr<SSL_CTX> client_ctx;
    Side client, server;
    std::mt19937 rng{7};
    std::size_t max_split = 0;  // 0: whole; 1: byte at a time; else random pieces up to this

    explicit Pair(const std::string& host = "127.0.0.1", const duplex::TlsOptions* server_options = nullptr,
                  duplex::TlsClientOptions client_options = {.ca_file = testing_support::test_pki().ca.cert_file}) {
        const auto& pki = testing_support::test_pki();
        duplex::TlsOptions so{.cert_file = pki.server.cert_file, .key_file = pki.server.key_file};
        std::string error;
        server_ctx = tls::ServerContext::create(server_options ? *server_options : so, error);
        REQUIRE_MESSAGE(server_ctx, error);
        client_ctx = tls::client_context(client_options, error);
        REQUIRE_MESSAGE(client_ctx, error);
        start(host, client_options);
    }
    // A connection between contexts made by the caller (to share them between connections).
    Pair(std::shared_ptr<const tls::ServerContext> server_context, std::shared_ptr<SSL_CTX> client_context)
        : server_ctx(std::move(server_context)), client_ctx(std::move(client_context)) {
        start("127.0.0.1", {});
    }

    void start(const std::string& host, const duplex::TlsClientOptions& client_options) {
        std::string error;
        server.engine = std::make_unique<TlsEngine>(server_ctx->new_ssl());
        const bool ip = host.find_first_not_of("0123456789.") == std::string::npos;
        SSL* ssl = tls::new_client_ssl(client_ctx.get(), host, ip, !client_options.insecure_skip_verify, error);
        REQUIRE_MESSAGE(ssl, error);
        client.engine = std::make_unique<TlsEngine>(ssl);
    }

    void deliver(const std::string& wire, Side& to) {
        std::size_t at = 0;
        while (at < wire.size() && to.last == TlsEngine::Status::Ok) {
            std::size_t n = wire.size() - at;
            if (max_split == 1) n = 1;
            else if (max_split > 1) n = std::min(n, std::uniform_int_distribution<std::size_t>(1, max_split)(rng));
            to.last = to.engine->feed(wire.data() + at, n, to.in);
            at += n;
        }
    }

    // Moves bytes both ways until neither side has anything to say (bounded).
    void pump(bool ending = false) {
        for (int round = 0; round < 20; ++round) {
            std::string c2s, s2c;
            client.engine->seal(client.plain, c2s, ending);
            deliver(c2s, server);
            server.engine->seal(server.plain, s2c, ending);
            deliver(s2c, client);
            if (c2s.empty() && s2c.empty()) return;
        }
        FAIL("the engines kept talking");
    }
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

}  // namespace

DUPLEX_GCC_RESTRICT_BUG_BEGIN  // p.client.plain = "x" below
TEST_CASE("handshake and data both ways, whole, one byte at a time and in random splits") {
    for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{3000}}) {
        CAPTURE(split);
        Pair p;
        p.max_split = split;
        p.client.plain = "GET / HTTP/1.1\r\n\r\n";  // queued before the handshake: it waits for it
        p.pump();
        REQUIRE(p.client.engine->handshake_done());
        REQUIRE(p.server.engine->handshake_done());
        CHECK(p.server.in.got == "GET / HTTP/1.1\r\n\r\n");
        const unsigned char* alpn = nullptr;
        unsigned alpn_len = 0;
        SSL_get0_alpn_selected(p.server.engine->ssl(), &alpn, &alpn_len);
        CHECK(std::string(reinterpret_cast<const char*>(alpn), alpn_len) == "http/1.1");
        const std::string big = pattern(200 * 1024);  // many records, more than the 64 KiB plaintext buffer
        p.server.plain = big;
        p.client.plain = "x";
        p.pump();
        CHECK(p.client.in.got == big);
        CHECK(p.server.in.got.size() == 19);
        CHECK(p.client.plain.empty());
    }
}
DUPLEX_GCC_RESTRICT_BUG_END

TEST_CASE("close_notify: the peer's goodbye reads as Closed") {
    Pair p;
    p.pump();
    p.client.plain = "last";
    p.pump(true);  // both seal with ending: records, then close_notify
    CHECK(p.server.in.got == "last");
    CHECK(p.server.last == TlsEngine::Status::Closed);
}

TEST_CASE("a certificate for another host fails the client with the verdict, and the server gets the alert") {
    Pair p("other.example");
    p.pump();
    CHECK(p.client.last == TlsEngine::Status::Failed);
    CHECK(p.client.engine->error().find("certificate verify failed: hostname mismatch") == 0);
    CHECK_FALSE(p.server.engine->handshake_done());
    CHECK(p.server.last == TlsEngine::Status::Failed);
}

TEST_CASE("an unknown CA fails; insecure_skip_verify accepts it") {
    SUBCASE("system store only") {
        Pair p("127.0.0.1", nullptr, {});
        p.pump();
        CHECK(p.client.engine->error().find("unable to get local issuer certificate") != std::string::npos);
    }
    SUBCASE("insecure") {
        Pair p("127.0.0.1", nullptr, {.insecure_skip_verify = true});
        p.pump();
        CHECK(p.client.engine->handshake_done());
    }
}

TEST_CASE("garbage and plaintext HTTP fail the server's handshake with an alert to send") {
    for (const char* input : {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\x16\x03\x01\xff\xff garbage"}) {
        Pair p;
        Collect ignored;
        const std::string bytes(input);
        CHECK(p.server.engine->feed(bytes.data(), bytes.size(), ignored) == TlsEngine::Status::Failed);
        CHECK_FALSE(p.server.engine->error().empty());
        std::string plain = "dropped", wire;
        CHECK(p.server.engine->seal(plain, wire, true));
        CHECK(plain.empty());
        // An alert when OpenSSL knows what to say (not for bytes that are no TLS at all), never anything else.
        CHECK((wire.empty() || (wire.size() == 7 && wire[0] == '\x15')));
    }
}

TEST_CASE("listen-time errors name the file and OpenSSL's reason") {
    const auto& pki = testing_support::test_pki();
    std::string error;
    CHECK_FALSE(tls::ServerContext::create({.cert_file = "/nonexistent/cert.pem", .key_file = pki.server.key_file},
                                           error));
    CHECK(error.find("'/nonexistent/cert.pem'") != std::string::npos);
    CAPTURE(error);
    CHECK(error.find("No such file") != std::string::npos);
    CHECK_FALSE(tls::ServerContext::create({.cert_file = pki.server.cert_file, .key_file = pki.ca.key_file}, error));
    CHECK(error.find(pki.ca.key_file) != std::string::npos);
    CHECK(error.find("key values mismatch") != std::string::npos);
    CHECK_FALSE(tls::ServerContext::create({.cert_file = pki.server.key_file, .key_file = pki.server.key_file},
                                           error));
    CHECK(error.find("no start line") != std::string::npos);
}

TEST_CASE("SNI picks the certificate that names the host") {
    const auto& pki = testing_support::test_pki();
    duplex::TlsOptions so{.cert_file = pki.server.cert_file, .key_file = pki.server.key_file,
                          .sni = {{pki.other_host.cert_file, pki.other_host.key_file}}};
    Pair p("other.example", &so);
    p.pump();
    CHECK(p.client.engine->handshake_done());
    Pair q("localhost", &so);
    q.pump();
    CHECK(q.client.engine->handshake_done());
}

TEST_CASE("an h2-only client gets a no_application_protocol alert") {
    Pair p;
    constexpr unsigned char h2[] = {2, 'h', '2'};
    SSL_set_alpn_protos(p.client.engine->ssl(), h2, sizeof h2);
    p.pump();
    CHECK(p.client.last == TlsEngine::Status::Failed);
    CHECK(p.client.engine->error().find("no application protocol") != std::string::npos);
}

TEST_CASE("session tickets: resumed across contexts sharing a ring, renewed after one rotation, refused after two") {
    using namespace std::chrono_literals;
    const auto& pki = testing_support::test_pki();
    const duplex::TlsOptions so{.cert_file = pki.server.cert_file, .key_file = pki.server.key_file};
    auto now = std::chrono::steady_clock::time_point{} + 24h;
    auto ring = std::make_shared<tls::TicketKeys>(1h, [&now] { return now; });
    std::string error;
    // Two contexts on one ring: two loop threads of a Cluster, or a listener before and after a reload.
    const auto thread_a = tls::ServerContext::create(so, error, ring);
    const auto thread_b = tls::ServerContext::create(so, error, ring);
    REQUIRE_MESSAGE((thread_a && thread_b), error);
    const auto client_ctx = tls::client_context({.ca_file = pki.ca.cert_file}, error);
    REQUIRE_MESSAGE(client_ctx, error);
    for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        CAPTURE(version);
        // One connection: whether it resumed `resume`, and the session (with its ticket) it ends with.
        auto connect = [&](const std::shared_ptr<const tls::ServerContext>& server, SSL_SESSION* resume) {
            Pair p(server, client_ctx);
            SSL* ssl = p.client.engine->ssl();
            SSL_set_max_proto_version(ssl, version);
            if (resume) REQUIRE(SSL_set_session(ssl, resume) == 1);
            p.client.plain = "ping";
            p.server.plain = "pong";  // the client reads TLS 1.3's ticket with it
            p.pump();
            REQUIRE(p.client.engine->handshake_done());
            CHECK(p.client.in.got == "pong");
            CHECK(SSL_session_reused(p.server.engine->ssl()) == SSL_session_reused(ssl));
            p.pump(true);  // a close_notify: OpenSSL marks the session of an SSL freed without one not resumable
            return std::pair{SSL_session_reused(ssl) == 1,
                             std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>(SSL_get1_session(ssl),
                                                                                         SSL_SESSION_free)};
        };
        auto [fresh, first] = connect(thread_a, nullptr);
        CHECK_FALSE(fresh);
        REQUIRE(SSL_SESSION_has_ticket(first.get()));
        CHECK(connect(thread_b, first.get()).first);  // issued on one thread, resumed on the other
        now += 61min;                                   // one rotation: the first ticket's key is the previous one
        auto [renewed_ok, renewed] = connect(thread_b, first.get());
        CHECK(renewed_ok);
        now += 61min;  // two rotations since the first ticket: refused; the renewed one (current key then) resumes
        CHECK_FALSE(connect(thread_a, first.get()).first);
        CHECK(connect(thread_a, renewed.get()).first);
        now += 3h;  // long idle: every key is new
        CHECK_FALSE(connect(thread_b, renewed.get()).first);
    }
}
