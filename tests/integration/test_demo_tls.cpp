// The demo over TLS from its command line: apps/demo/make-cert.sh makes a CA and a certificate; `demo --tls-cert
// --tls-key` serves https (curl --cacert) and wss (Python websockets trusting the CA); SIGHUP reloads a new
// certificate (new handshakes get it, open connections keep working); certificate or key files that are missing,
// unreadable or do not match make it exit 2 with a message naming the file.
#include "support/demo_process.h"
#include "support/process.h"
#include "support/skip.h"
#include "support/temp_dir.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>

using namespace testing_support;

namespace {

// make-cert.sh into `dir`: ca.pem, cert.pem, key.pem.
bool make_cert(const std::string& dir) {
    // A pair, not a structured binding: INFO's lambda cannot capture a binding before clang 16.
    const auto result = run_command({"sh", source_root() + "/apps/demo/make-cert.sh", dir}, 30s, true);
    const int rc = result.first;
    const std::string& out = result.second;
    INFO(out);
    return rc == 0 && std::filesystem::exists(dir + "/ca.pem") && std::filesystem::exists(dir + "/cert.pem") &&
           std::filesystem::exists(dir + "/key.pem");
}

std::pair<int, std::string> demo_with(const std::string& cert, const std::string& key) {
    return run_command({build_root() + "/apps/demo/demo", "--http-port", "0", "--ws-port", "0", "--quiet",
                        "--static", source_root() + "/static", "--tls-cert", cert, "--tls-key", key},
                       10s, true);
}

}  // namespace

TEST_SUITE("tls") {
TEST_CASE("demo --tls-cert/--tls-key: make-cert.sh's CA, https and wss, a SIGHUP reload, loud file errors") {
    if (!have_program("openssl")) DUPLEX_SKIP("openssl not found");
    TempDir certs;
    const std::string first = certs.path() + "/first", second = certs.path() + "/second";
    const std::string live = certs.path() + "/live";
    REQUIRE(make_cert(first));
    REQUIRE(make_cert(second));  // another CA: a client can tell which certificate it was served

    SUBCASE("bad files: exit 2, the file named") {
        auto [alone, alone_out] = run_command({build_root() + "/apps/demo/demo", "--tls-cert", first + "/cert.pem"},
                                              10s, true);
        CHECK(alone == 2);
        CHECK(alone_out.find("--tls-cert and --tls-key go together") != std::string::npos);
        auto [missing, missing_out] = demo_with(first + "/cert.pem", first + "/missing.pem");
        CHECK(missing == 2);
        CHECK(missing_out.find("'" + first + "/missing.pem': No such file or directory") != std::string::npos);
        auto [unreadable, unreadable_out] = demo_with(certs.path(), first + "/key.pem");  // a directory
        CHECK(unreadable == 2);
        CHECK(unreadable_out.find("cannot use the certificate chain file '" + certs.path() + "'") !=
              std::string::npos);
        auto [mismatched, mismatched_out] = demo_with(first + "/cert.pem", second + "/key.pem");
        CHECK(mismatched == 2);
        CHECK(mismatched_out.find("cannot use the private key file '" + second + "/key.pem': key values mismatch") !=
              std::string::npos);
    }

    SUBCASE("https, wss, and a reload on SIGHUP") {
        std::filesystem::create_directories(live);
        for (const char* name : {"cert.pem", "key.pem"})
            std::filesystem::copy_file(first + "/" + name, live + "/" + name);
        DemoProcess demo({"--quiet", "--tls-cert", live + "/cert.pem", "--tls-key", live + "/key.pem"});
        REQUIRE(demo.ready());
        if (have_program("curl")) {
            auto [rc, body] = run_command({"curl", "-sS", "--max-time", "10", "--cacert", first + "/ca.pem",
                                           "https://localhost:" + std::to_string(demo.http_port()) +
                                               "/api/hello/curl"},
                                          20s, true);
            CHECK(rc == 0);
            CHECK(body == "{\"hello\":\"curl\"}");
        } else {
            DUPLEX_SKIP_PART("curl not found");
        }
        if (!have_python_peer()) DUPLEX_SKIP("/usr/bin/python3 with websockets not found");
        // A pair, not a structured binding: INFO's lambda cannot capture a binding before clang 16.
        const auto result = run_command({"/usr/bin/python3", source_root() + "/tests/peers/demo_tls_client.py",
                                      std::to_string(demo.http_port()), std::to_string(demo.ws_port()),
                                      std::to_string(demo.process().pid()), first + "/ca.pem",
                                      second + "/ca.pem", live, second},
                                     40s, true);
        const int rc = result.first;
        const std::string& out = result.second;
        INFO(out);
        CHECK(rc == 0);
        CHECK(out.find("https: {\"hello\":\"tls\"}\n") != std::string::npos);
        CHECK(out.find("wss: over wss\n") != std::string::npos);
        CHECK(out.find("new handshake, new CA: {\"hello\":\"new\"}\n") != std::string::npos);
        CHECK(out.find("new handshake, old CA: refused\n") != std::string::npos);
        CHECK(out.find("kept https: {\"hello\":\"kept\"}\n") != std::string::npos);
        CHECK(out.find("kept wss: still open\n") != std::string::npos);
        demo.process().signal(SIGINT);
        CHECK(demo.process().wait(10s) == 0);
    }
}
}
