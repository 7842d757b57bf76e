// apps/wscat end to end against the demo binary (both built in this build tree): scripted messages, piped
// input, binary encodings, subprotocol and header flags, and the exit codes scripts rely on.
#include "support/demo_process.h"
#include "support/process.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace testing_support;

namespace {

std::string wscat_path() { return build_root() + "/apps/wscat/wscat"; }

bool built(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// The demo on free ports; ws_port() is its WebSocket port (0 when it did not start).
class Demo {
public:
    int ws_port() const { return demo_.ws_port(); }
    std::string url(const std::string& path) const { return demo_.ws_base() + path; }

private:
    DemoProcess demo_;
};

// Runs a shell command line (for pipes into wscat); stdout only.
std::pair<int, std::string> shell(const std::string& command) { return run_command({"sh", "-c", command}, 20s); }

}  // namespace

TEST_SUITE("wscat") {
TEST_CASE("--execute hello --wait 1 against the demo's /ws prints the greeting and the broadcast, exits 0") {
    REQUIRE_MESSAGE(built(wscat_path()), "build apps/wscat/wscat first");
    Demo demo;
    REQUIRE(demo.ws_port() > 0);
    auto [code, out] = run_command({wscat_path(), demo.url("/ws"), "--execute", "hello", "--wait", "1"}, 20s);
    CHECK(code == 0);
    CHECK(out == "world\nhello\n");
}

TEST_CASE("lines piped on standard input are sent; replies are printed until the close") {
    REQUIRE(built(wscat_path()));
    Demo demo;
    REQUIRE(demo.ws_port() > 0);
    auto [code, out] = shell("printf 'one\\ntwo\\r\\nthree' | " + wscat_path() + " " + demo.url("/echo") +
                             " --wait 0.5 2>/dev/null");
    CHECK(code == 0);
    CHECK(out == "one\ntwo\nthree\n");
}

TEST_CASE("--binary hex and base64: input lines decoded, binary replies encoded, bad lines not sent") {
    REQUIRE(built(wscat_path()));
    Demo demo;
    REQUIRE(demo.ws_port() > 0);
    auto [hex_code, hex_out] = run_command({wscat_path(), demo.url("/echo"), "--binary", "hex", "-x", "00ff10",
                                            "-x", "xyz", "-x", "48656C6C6F", "-w", "0.5"}, 20s);
    CHECK(hex_code == 0);
    CHECK(hex_out == "00ff10\n48656c6c6f\n");
    auto [b64_code, b64_out] = run_command({wscat_path(), demo.url("/echo"), "-b", "base64", "--deflate", "-x",
                                            "AAEC/w==", "-w", "0.5"}, 20s);
    CHECK(b64_code == 0);
    CHECK(b64_out == "AAEC/w==\n");
}

TEST_CASE("--protocol, --header and --deflate are accepted; open and close are reported on stderr") {
    REQUIRE(built(wscat_path()));
    Demo demo;
    REQUIRE(demo.ws_port() > 0);
    auto [code, out] = run_command({wscat_path(), demo.url("/echo"), "--protocol", "chat", "--header",
                                    "Authorization: Bearer x", "--deflate", "-x", "hi", "-w", "0.3"},
                                   20s, true);
    CHECK(code == 0);
    // The demo chooses no subprotocol; it accepts permessage-deflate on /echo.
    CHECK(out == "connected to " + demo.url("/echo") + " (extensions permessage-deflate)\nhi\nclosed 1000\n");
}

TEST_CASE("exit code 1 when the connection fails, 2 for a bad command line") {
    REQUIRE(built(wscat_path()));
    Demo demo;
    REQUIRE(demo.ws_port() > 0);
    // stderr captured (and ignored): the reasons and the usage text would only clutter the test log.
    CHECK(run_command({wscat_path(), demo.url("/no-such-path"), "-x", "a"}, 20s, true).first == 1);
    CHECK(run_command({wscat_path(), "wss://127.0.0.1:1/"}, 20s, true).first == 1);
    CHECK(run_command({wscat_path(), "--binary", "octal", demo.url("/echo")}, 20s, true).first == 2);
    CHECK(run_command({wscat_path()}, 20s, true).first == 2);
}
}
