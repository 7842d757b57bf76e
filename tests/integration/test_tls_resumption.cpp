// Session resumption on a Cluster, judged by Python's ssl module: a ticket issued on one loop thread resumes on
// another (thread 0 hands connections to the threads in turn), still resumes after one key rotation (and is
// renewed), and gets a full handshake after two. The rotation interval is 1 s, so the test takes under 3 s.
#include "support/process.h"
#include "support/skip.h"
#include "support/test_pki.h"

#include <duplex/duplex.h>
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

// Connections at t = 0 (fresh), right after (the first session: resumed), 1.4 s (the first session: resumed
// under the previous key, renewed), 2.6 s (the first session: refused; the renewed one: resumed). Prints
// "<reused 0/1> <thread>" per connection.
constexpr const char* kClient = R"(
import socket, ssl, sys, time
port, ca, version = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
if version == '1.2':
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
def get(session=None):
    with socket.create_connection(('127.0.0.1', port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname='localhost', session=session) as s:
            s.sendall(b'GET /thread HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
            data = b''
            while True:
                piece = s.recv(4096)
                if not piece:
                    break
                data += piece
            print(int(s.session_reused), data.split(b'\r\n\r\n', 1)[1].decode())
            return s.session
start = time.monotonic()
def at(t):
    time.sleep(max(0.0, start + t - time.monotonic()))
first = get()
get(first)
at(1.4)
renewed = get(first)
at(2.6)
get(first)
get(renewed)
)";

}  // namespace

TEST_SUITE("tls") {
TEST_CASE("a session ticket resumes on another Cluster thread, after one rotation, and not after two") {
    if (!have_program("/usr/bin/python3")) DUPLEX_SKIP("/usr/bin/python3 not found");
    for (const char* version : {"1.3", "1.2"}) {
        CAPTURE(version);
        duplex::Cluster cluster({.threads = 2, .handle_signals = false, .force_handoff = true});
        std::atomic<int> port{0};
        std::atomic<bool> finished{false};
        std::thread runner([&] {
            cluster.run([&](duplex::Worker& w) -> int {
                duplex::App app(w.loop());
                app.get("/thread", [&w](duplex::Request&, duplex::Response& res) {
                    res.send(std::to_string(w.index()));
                });
                const duplex::TlsOptions tls{.cert_file = test_pki().server.cert_file,
                                             .key_file = test_pki().server.key_file,
                                             .ticket_key_rotation = 1s};
                if (w.listen(app, {.host = "127.0.0.1", .port = 0, .tls = tls}) != 0) return 2;
                if (w.index() == 0) port = app.port();
                return w.run();
            });
            finished = true;
        });
        for (int i = 0; i < 1000 && port == 0 && !finished; ++i) std::this_thread::sleep_for(10ms);
        REQUIRE(port != 0);
        // A pair, not a structured binding: INFO's lambda cannot capture a binding before clang 16.
        const auto result = run_command({"/usr/bin/python3", "-c", kClient, std::to_string(port.load()),
                                      test_pki().ca.cert_file, version},
                                     30s, true);
        const int rc = result.first;
        const std::string& out = result.second;
        cluster.stop();
        runner.join();
        INFO(out);
        CHECK(rc == 0);
        // Thread 0 hands connections out in turn: the first two land on different threads.
        std::istringstream lines(out);
        int reused[5] = {}, thread[5] = {};
        for (int i = 0; i < 5; ++i) lines >> reused[i] >> thread[i];
        CHECK(reused[0] == 0);
        CHECK(reused[1] == 1);
        CHECK(thread[0] != thread[1]);
        CHECK(reused[2] == 1);
        CHECK(reused[3] == 0);
        CHECK(reused[4] == 1);
    }
}
}
