// examples/client_reconnect against a real server that goes away: the demo binary serves /ws (greeting "world"),
// is killed, and is started again on the same port. The client must print its readyState transitions, retry with
// capped exponential backoff and jitter while the server is down, and be OPEN again once it is back.
#include "examples/example_process.h"
#include "support/demo_process.h"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

using namespace testing_support;

TEST_SUITE("examples") {

TEST_CASE("client_reconnect: reconnects with capped exponential backoff after its server is killed and restarted") {
    auto server = std::make_unique<DemoProcess>();
    REQUIRE(server->ready());
    const std::string port = std::to_string(server->ws_port());
    ExampleProcess client("client_reconnect", {"--port", port, "--path", "/ws", "--base-ms", "100", "--max-ms", "400"},
                          ExampleProcess::Kind::Client);
    CHECK(client.line_starting("connecting to ") == "connecting to ws://127.0.0.1:" + port + "/ws");
    CHECK(client.line_starting("readyState") == "readyState CONNECTING");
    CHECK(client.line_starting("readyState") == "readyState OPEN");
    CHECK(client.line_starting("message: ") == "message: world");

    // The server dies without a closing handshake: the connection drops (1006) and the retries begin.
    server->process().signal(SIGKILL);
    REQUIRE(server->process().wait(10s));
    CHECK(client.line_starting("readyState") == "readyState CLOSED code 1006 unclean");

    // While it stays down: every attempt fails, and the waits double from 100 ms up to the 400 ms cap, each drawn
    // from [ceiling / 2, ceiling].
    const int ceilings[] = {100, 200, 400, 400, 400};
    for (int i = 0; i < 5; ++i) {
        CAPTURE(i);
        auto line = client.line_starting("retry ");
        REQUIRE(line);
        int attempt = 0, delay = 0, ceiling = 0;
        REQUIRE(std::sscanf(line->c_str(), "retry %d in %d ms (ceiling %d ms)", &attempt, &delay, &ceiling) == 3);
        CHECK(attempt == i + 1);
        CHECK(ceiling == ceilings[i]);
        CHECK(delay >= ceilings[i] / 2);
        CHECK(delay <= ceilings[i]);
        CHECK(client.line_starting("readyState") == "readyState CONNECTING");
        CHECK(client.line_starting("error: "));
        CHECK(client.line_starting("readyState") == "readyState CLOSED code 1006 unclean");
    }

    // Back on the same port: the next attempt opens, and the greeting arrives again.
    server = std::make_unique<DemoProcess>(std::vector<std::string>{"--quiet", "--ws-port", port});
    REQUIRE(server->ready());
    CHECK(client.line_starting("readyState OPEN", 10s) == "readyState OPEN");
    CHECK(client.line_starting("message: ") == "message: world");

    // A graceful server stop (1001) is a clean close, followed by a retry from the first ceiling again.
    server->process().signal(SIGTERM);
    CHECK(client.line_starting("readyState") == "readyState CLOSED code 1001 clean");
    auto line = client.line_starting("retry ");
    REQUIRE(line);
    CHECK(line->find("(ceiling 100 ms)") != std::string::npos);
    CHECK(server->process().wait(10s) == 0);

    // Ctrl-C: no more retries, and the program ends by itself with 0.
    client.process().signal(SIGINT);
    CHECK(client.process().wait(10s) == 0);
}

}  // TEST_SUITE
