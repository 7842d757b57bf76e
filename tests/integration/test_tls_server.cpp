// https and wss served by duplex, judged by independent clients: curl (keep-alive, chunked, a 16 MiB static
// file, Range), Python's ssl module (pipelining), Python `websockets` and Node `ws` (with and without
// permessage-deflate); and hostile input on the TLS port, each of which must end in a clean close while the
// server goes on serving and holds no connection afterwards.
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "support/tls_raw.h"
#include "support/ws_event_log.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>
#include <uv.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace testing_support;

namespace {

duplex::TlsOptions server_tls() {
    return {.cert_file = test_pki().server.cert_file, .key_file = test_pki().server.key_file};
}

struct HttpsServer {
    TempDir root;
    std::string big = pattern_bytes(16 << 20, 3);
    WsEventLog log;
    ServerThread server{[this](duplex::App& app, duplex::WsServer& wss) {
                            root.write("big.bin", big);
                            app.get("/hello", [](duplex::Request&, duplex::Response& res) { res.send("hello"); });
                            app.get("/chunked", [](duplex::Request&, duplex::Response& res) {
                                res.write("one,");
                                res.write("two,");
                                res.write("three");
                                res.end();
                            });
                            app.use(duplex::serve_static(root.path()));
                            install_peer_routes(wss, log);
                        },
                        {}, true, server_tls()};
    std::string url(const std::string& path) const {
        return "https://127.0.0.1:" + std::to_string(server.http_port()) + path;
    }
    std::pair<int, std::string> curl(std::vector<std::string> args) const {
        std::vector<std::string> argv = {"curl", "-sS", "--max-time", "30", "--cacert", test_pki().ca.cert_file};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_command(argv, std::chrono::seconds(40), true);
    }
    // Every connection closed: nothing held after a hostile peer.
    bool no_connections() {
        std::size_t open = 1;
        for (int i = 0; i < 100 && open != 0; ++i) {
            server.run_on_loop([&] { open = server.app().stats().connections; });
            if (open != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return open == 0;
    }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_SUITE("tls") {
TEST_CASE("curl over https: keep-alive, chunked, a 16 MiB static file, Range") {
    if (!have_program("curl")) DUPLEX_SKIP("curl not found");
    HttpsServer s;
    REQUIRE(s.server.http_port() > 0);
    // Two requests, one connection: the second reuses it (num_connects 0).
    auto [rc, out] = s.curl({"-w", "%{num_connects} %{ssl_verify_result}\n", s.url("/hello"), s.url("/hello")});
    CHECK(rc == 0);
    CHECK(out == "hello1 0\nhello0 0\n");
    auto [rc2, chunked] = s.curl({"-D", "-", s.url("/chunked")});
    CHECK(rc2 == 0);
    CHECK(chunked.find("ransfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(chunked.substr(chunked.size() - 13) == "one,two,three");
    TempDir out_dir;
    const std::string file = out_dir.path() + "/big";
    auto [rc3, code] = s.curl({"-o", file, "-w", "%{http_code}", s.url("/big.bin")});
    CHECK(rc3 == 0);
    CHECK(code == "200");
    CHECK(read_file(file) == s.big);
    auto [rc4, range] = s.curl({"-o", file, "-w", "%{http_code}", "-r", "1000000-1000099", s.url("/big.bin")});
    CHECK(rc4 == 0);
    CHECK(range == "206");
    CHECK(read_file(file) == s.big.substr(1000000, 100));
    CHECK(s.no_connections());
}

TEST_CASE("pipelined requests over TLS are answered in order") {
    HttpsServer s;
    const char* script =
        "import socket, ssl, sys\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[1])\n"
        "s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='127.0.0.1')\n"
        "s.sendall(b'GET /hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n' * 3 + b'GET /chunked HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n')\n"
        "data = b''\n"
        "while not data.endswith(b'0\\r\\n\\r\\n'):\n"
        "    d = s.recv(65536)\n"
        "    if not d: break\n"
        "    data += d\n"
        "print(data.count(b'HTTP/1.1 200'), data.count(b'\\r\\n\\r\\nhello'), b'three' in data)\n";
    auto [rc, out] = run_command({"/usr/bin/python3", "-c", script, test_pki().ca.cert_file,
                                  std::to_string(s.server.http_port())}, std::chrono::seconds(30), true);
    CHECK(rc == 0);
    CHECK(out == "4 3 True\n");
}

TEST_CASE("Python websockets and Node ws over wss, with and without permessage-deflate") {
    HttpsServer s;
    const std::string base = "wss://127.0.0.1:" + std::to_string(s.server.ws_port());
    const std::vector<std::string> names = {"text", "binary", "big-1m", "deflate", "refused", "client-close"};
    // Both trust the test CA through their usual environment variables.
    setenv("SSL_CERT_FILE", test_pki().ca.cert_file.c_str(), 1);
    setenv("NODE_EXTRA_CA_CERTS", test_pki().ca.cert_file.c_str(), 1);
    if (have_python_peer()) {
        auto [rc, out] = run_python_peer(base, names);
        const std::string& text = out;
        INFO(text);
        CHECK(scenarios_not_ok(out, names) == "");
        CHECK(rc == 0);
    } else {
        DUPLEX_SKIP_PART("/usr/bin/python3 with websockets not found");
    }
    if (have_node_peer()) {
        auto [rc, out] = run_node_peer(base, names);
        const std::string& text = out;
        INFO(text);
        CHECK(scenarios_not_ok(out, names) == "");
        CHECK(rc == 0);
    } else {
        DUPLEX_SKIP_PART("node with tests/node_modules/ws not found");
    }
    unsetenv("SSL_CERT_FILE");
    unsetenv("NODE_EXTRA_CA_CERTS");
    CHECK(s.log.wait_closed_count(s.log.opened()));
    CHECK(s.log.violations() == "");
}

TEST_CASE("hostile input on the TLS port ends in a clean close, and the server goes on") {
    HttpsServer s;
    const int port = s.server.http_port();
    SUBCASE("plaintext HTTP") {
        RawClient c;
        REQUIRE(c.connect(port));
        c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        CHECK(c.wait_closed());
        CHECK(c.buffer().find("HTTP/1.1") == std::string::npos);
    }
    SUBCASE("garbage") {
        RawClient c;
        REQUIRE(c.connect(port));
        c.send(std::string("\x16\x03\x01\x00\x05garbage-garbage", 20));
        CHECK(c.wait_closed());
    }
    SUBCASE("a ClientHello one byte at a time, then a close mid-handshake") {
        RawClient c;
        REQUIRE(c.connect(port));
        TlsRaw tls;
        SSL_do_handshake(tls.ssl());
        const std::string hello = tls.take_output();
        REQUIRE(hello.size() > 100);
        for (char b : hello) REQUIRE(c.send(std::string(1, b)));
        const std::string reply = c.recv_some(std::chrono::seconds(5));
        REQUIRE_FALSE(reply.empty());
        CHECK(reply[0] == '\x16');  // the ServerHello's handshake record
        c.close();
    }
    SUBCASE("a record cut short, then EOF") {
        RawClient c;
        REQUIRE(c.connect(port));
        TlsRaw tls;
        REQUIRE_MESSAGE(tls.handshake(c), tls.error());
        const std::string record = tls.seal("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        c.send(record.substr(0, record.size() - 10));
        c.shutdown_write();
        CHECK(c.wait_closed());
    }
    SUBCASE("an h2-only client gets an alert, not a hang") {
        RawClient c;
        REQUIRE(c.connect(port));
        TlsRaw tls;
        constexpr unsigned char h2[] = {2, 'h', '2'};
        SSL_set_alpn_protos(tls.ssl(), h2, sizeof h2);
        CHECK_FALSE(tls.handshake(c));
        CHECK(tls.error().find("no application protocol") != std::string::npos);
        CHECK(c.wait_closed());
    }
    CHECK(s.no_connections());
    // And it still serves.
    RawClient c;
    REQUIRE(c.connect(port));
    TlsRaw tls;
    REQUIRE_MESSAGE(tls.handshake(c), tls.error());
}

TEST_CASE("listen() with a certificate it cannot use fails, naming the file and the reason") {
    duplex::EventLoop loop;
    duplex::App app(loop);
    const auto& pki = test_pki();
    CHECK(app.listen({.port = 0, .tls = {.cert_file = pki.server.cert_file, .key_file = "/nonexistent.key"}}) ==
          UV_EINVAL);
    CHECK(app.listen_error() ==
          "cannot use the private key file '/nonexistent.key': No such file or directory");
    duplex::WsServer wss(loop);
    CHECK(wss.listen({.port = 0, .tls = {.cert_file = pki.server.cert_file, .key_file = pki.other_host.key_file}}) ==
          UV_EINVAL);
    CHECK(wss.listen_error().find(pki.other_host.key_file) != std::string::npos);
    CHECK(wss.listen_error().find("key values mismatch") != std::string::npos);
}
}
