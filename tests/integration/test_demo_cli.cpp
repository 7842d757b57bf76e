// The demo's command line (issue: the demo): flags, exit code 2 on a bad flag or a port in use, one line per
// listener, the access log and --quiet, exit 0 on SIGINT.
#include "support/loopback_socket.h"
#include "support/process.h"
#include "support/raw_client.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace testing_support;

namespace {

std::string demo_path() { return build_root() + "/apps/demo/demo"; }

// A listening socket on a free port, held for the test's duration.
struct BusyPort {
    sockaddr_in addr{};
    int fd = testing_support::loopback_socket(addr, 1);
    int port = fd < 0 ? 0 : ntohs(addr.sin_port);
    ~BusyPort() { ::close(fd); }
};

int port_of(const std::string& line) { return std::stoi(line.substr(line.rfind(':') + 1)); }

}  // namespace

TEST_SUITE("demo_cli") {

TEST_CASE("an unknown flag or a bad port exits 2 with the usage") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--nope"}, {"--http-port", "70000"}, {"--ws-port", "abc"}, {"--http-port"}, {"--http-port="}}) {
        args.insert(args.begin(), demo_path());
        auto [code, out] = run_command(args, 10s, true);
        CAPTURE(args[1]);
        CHECK(code == 2);
        CHECK(out.find("usage: demo") != std::string::npos);
    }
}

TEST_CASE("a missing static directory exits 2, naming the directory and --static") {
    auto [code, out] = run_command({demo_path(), "--http-port", "0", "--ws-port", "0", "--static", "no-such-dir"}, 10s, true);
    CHECK(code == 2);
    CHECK(out.find("'no-such-dir'") != std::string::npos);
    CHECK(out.find("--static") != std::string::npos);
    CHECK(out.find("exception") == std::string::npos);
}

TEST_CASE("--help prints the usage and exits 0") {
    auto [code, out] = run_command({demo_path(), "--help"}, 10s);
    CHECK(code == 0);
    CHECK(out.find("--http-port") != std::string::npos);
}

TEST_CASE("a port already in use exits 2 with a clear message") {
    BusyPort busy;
    REQUIRE(busy.port > 0);
    auto [code, out] = run_command({demo_path(), "--http-port", std::to_string(busy.port), "--ws-port", "0",
                                    "--static", source_root() + "/static"}, 10s, true);
    CHECK(code == 2);
    CHECK(out.find("address already in use") != std::string::npos);
    auto [code2, out2] = run_command({demo_path(), "--http-port", "0", "--ws-port", std::to_string(busy.port),
                                      "--static", source_root() + "/static"}, 10s, true);
    CHECK(code2 == 2);
    CHECK(out2.find("WebSocket") != std::string::npos);
}

TEST_CASE("one line per listener, an access-log line per request, exit 0 on SIGINT") {
    Process demo({demo_path(), "--http-port", "0", "--ws-port", "0", "--static", source_root() + "/static"}, true);
    auto http = demo.read_line(10s);
    auto ws = demo.read_line(10s);
    REQUIRE(http);
    REQUIRE(ws);
    CHECK(http->rfind("HTTP listening on http://127.0.0.1:", 0) == 0);
    CHECK(ws->rfind("WebSocket listening on ws://127.0.0.1:", 0) == 0);
    auto r = http_request(port_of(*http), "GET /api/hello/log HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 200);
    auto line = demo.read_line(5s);
    REQUIRE(line);
    // method, path, status, body bytes, duration
    CHECK(line->find("GET /api/hello/log 200 15 ") != std::string::npos);
    CHECK(line->find("ms") != std::string::npos);
    demo.signal(SIGINT);
    CHECK(demo.wait(10s) == 0);
}

TEST_CASE("--quiet turns the access log off") {
    Process demo({demo_path(), "--quiet", "--http-port", "0", "--ws-port", "0", "--static",
                  source_root() + "/static"}, true);
    auto http = demo.read_line(10s);
    REQUIRE(demo.read_line(10s));
    REQUIRE(http);
    REQUIRE(http_request(port_of(*http), "GET /api/hello/q HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK_FALSE(demo.read_line(500ms));
    demo.signal(SIGTERM);
    CHECK(demo.wait(10s) == 0);
}
}
