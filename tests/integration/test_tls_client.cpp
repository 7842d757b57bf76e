// duplex::connect over wss://: against duplex's own wss listener and a Python `websockets` TLS server; every
// failed verification (unknown CA, expired, another host, a server that speaks no TLS) ends in onerror with
// OpenSSL's reason then onclose 1015 not clean; insecure_skip_verify accepts a self-signed server; and
// reload_tls swaps the certificate for new handshakes while an open connection keeps going.
#include "support/client_log.h"
#include "support/process.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "support/ws_event_log.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>
#include <uv.h>

#include <filesystem>

using namespace testing_support;

namespace {

duplex::TlsOptions tls_of(const TestCert& c) { return {.cert_file = c.cert_file, .key_file = c.key_file}; }

struct WssServer {
    WsEventLog log;
    ServerThread server;
    explicit WssServer(const TestCert& cert)
        : server([this](duplex::App&, duplex::WsServer& wss) { install_peer_routes(wss, log); }, {}, true,
                 tls_of(cert)) {}
    std::string url(const std::string& host = "127.0.0.1") const {
        return "wss://" + host + ":" + std::to_string(server.ws_port()) + "/echo";
    }
};

duplex::ClientOptions trusting_ca(duplex::ClientOptions o) {
    o.tls.ca_file = test_pki().ca.cert_file;
    return o;
}

void check_tls_failure(const ClientLog& log, const std::string& reason) {
    CHECK(log.summary() == "error | close 1015  unclean");
    CHECK(log.error.find("TLS handshake failed: ") == 0);
    CHECK(log.error.find(reason) != std::string::npos);
}

}  // namespace

TEST_SUITE("tls") {
TEST_CASE("duplex client to duplex over wss: by address and by name, with and without permessage-deflate") {
    WssServer s(test_pki().server);
    REQUIRE(s.server.ws_port() > 0);
    const std::string big = sample_text(1 << 20);
    for (const char* host : {"127.0.0.1", "localhost"}) {
        for (bool deflate : {false, true}) {
            CAPTURE(host);
            CAPTURE(deflate);
            duplex::ClientOptions o = trusting_ca(echo_in_turn({{false, "hello"}, {true, big}, {false, big}}));
            o.options.permessage_deflate = deflate;
            ClientLog log = exchange(s.url(host), std::move(o), 30s);
            REQUIRE(log.messages.size() == 3);
            CHECK(log.messages[1] == std::make_pair(true, big));
            REQUIRE(log.close);
            CHECK(log.close->code == 1000);
            CHECK(log.close->was_clean);
        }
    }
    CHECK(s.log.wait_closed_count(s.log.opened()));
    CHECK(s.log.violations() == "");
}

TEST_CASE("duplex client to a Python websockets TLS server") {
    if (!have_python_peer()) DUPLEX_SKIP("/usr/bin/python3 with websockets not found");
    Process peer({"/usr/bin/python3", source_root() + "/tests/peers/client_peer_server.py", "--tls",
                  test_pki().server.cert_file, test_pki().server.key_file});
    std::optional<std::string> line = peer.read_line(15s);
    REQUIRE(line);
    const std::string url = "wss://localhost:" + *line + "/echo";
    ClientLog log = exchange(url, trusting_ca(echo_in_turn({{false, "over tls"}, {true, std::string(70000, 'b')}})));
    CHECK(log.summary() == "open | message text over tls | message binary 70000 bytes | close 1000 done clean");
}

TEST_CASE("failed verification: onerror with OpenSSL's reason, then onclose 1015 not clean") {
    const auto& pki = test_pki();
    SUBCASE("a CA the system does not trust") {
        WssServer s(pki.server);
        check_tls_failure(exchange(s.url(), echo_in_turn({{false, "x"}})), "unable to get local issuer certificate");
    }
    SUBCASE("an expired certificate") {
        WssServer s(pki.expired);
        check_tls_failure(exchange(s.url(), trusting_ca(echo_in_turn({{false, "x"}}))), "certificate has expired");
    }
    SUBCASE("a certificate for another host") {
        WssServer s(pki.other_host);
        check_tls_failure(exchange(s.url(), trusting_ca(echo_in_turn({{false, "x"}}))), "IP address mismatch");
        check_tls_failure(exchange(s.url("localhost"), trusting_ca(echo_in_turn({{false, "x"}}))),
                          "hostname mismatch");
    }
    SUBCASE("a server that speaks plaintext") {
        ServerThread plain([](duplex::App&, duplex::WsServer&) {});
        const std::string url = "wss://127.0.0.1:" + std::to_string(plain.ws_port()) + "/echo";
        check_tls_failure(exchange(url, trusting_ca(echo_in_turn({{false, "x"}}))), "wrong version number");
    }
    SUBCASE("self-signed: refused, accepted with insecure_skip_verify") {
        WssServer s(pki.self_signed);
        check_tls_failure(exchange(s.url(), trusting_ca(echo_in_turn({{false, "x"}}))), "self-signed");
        duplex::ClientOptions o = echo_in_turn({{false, "x"}});
        o.tls.insecure_skip_verify = true;
        CHECK(exchange(s.url(), std::move(o)).summary() == "open | message text x | close 1000  clean");
    }
    SUBCASE("a CA file that cannot be read") {
        duplex::ClientOptions o = echo_in_turn({{false, "x"}});
        o.tls.ca_file = "/nonexistent/ca.pem";
        ClientLog log = exchange("wss://127.0.0.1:1/", std::move(o));
        CHECK(log.summary() == "error | close 1015  unclean");
        CHECK(log.error.find("'/nonexistent/ca.pem'") != std::string::npos);
    }
}

TEST_CASE("reload_tls: new handshakes get the new certificate, an open connection keeps going") {
    const auto& pki = test_pki();
    TempDir dir;
    namespace fs = std::filesystem;
    const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
    fs::copy_file(pki.server.cert_file, cert);
    fs::copy_file(pki.server.key_file, key);
    WsEventLog log;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) { install_peer_routes(wss, log); }, {}, true,
                        {.cert_file = cert, .key_file = key});
    const std::string url = "wss://127.0.0.1:" + std::to_string(server.ws_port()) + "/echo";

    duplex::EventLoop loop;
    ClientLog first, second;
    int reload_bad = 0, reload_good = 0;
    std::string bad_error;
    duplex::ClientOptions o = trusting_ca({});
    o.onopen = [](duplex::WebSocket& ws) { ws.send("before"); };
    o.onmessage = [&](duplex::WebSocket& ws, const duplex::Message& m) {
        if (m.data == "after") {
            ws.close(1000, "done");
            return;
        }
        // A key that does not match: the reload fails and changes nothing.
        fs::copy_file(pki.other_host.cert_file, cert, fs::copy_options::overwrite_existing);
        server.run_on_loop([&] {
            reload_bad = server.wss().reload_tls();
            bad_error = server.wss().listen_error();
        });
        fs::copy_file(pki.other_host.key_file, key, fs::copy_options::overwrite_existing);
        server.run_on_loop([&] { reload_good = server.wss().reload_tls(); });
        // The new certificate names other.example only: a new handshake to 127.0.0.1 fails on it.
        duplex::ClientOptions again = trusting_ca({});
        again.onclose = [ws](duplex::WebSocket&, const duplex::CloseEvent&) mutable { ws.send("after"); };
        duplex::connect(loop, url, second.wrap(std::move(again)));
    };
    duplex::connect(loop, url, first.wrap(std::move(o)));
    CHECK(run_loop(loop, 20s));
    CHECK(reload_bad == UV_EINVAL);
    CHECK(bad_error.find("key values mismatch") != std::string::npos);
    CHECK(reload_good == 0);
    CHECK(first.summary() == "open | message text before | message text after | close 1000  clean");
    CHECK(second.summary() == "error | close 1015  unclean");
    CHECK(second.error.find("IP address mismatch") != std::string::npos);
}
}
