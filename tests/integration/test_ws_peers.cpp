// Independent clients against an in-process WsServer: Python `websockets` and Node `ws` run the same
// scenarios (echo, big messages, fragments, ping, every close path, compression on and off, subprotocol, pings
// and pongs of every control payload size 0-125 on a compressed connection, which are never compressed),
// and the server's own record of each connection is checked against RFC 6455 (code, reason, was_clean).
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/ws_event_log.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>

using namespace testing_support;

namespace {

const std::vector<std::string> kCommon = {"text",         "binary",       "big-1m",  "fragments",
                                          "ping",         "client-close", "server-close",
                                          "abrupt",       "deflate",      "refused", "proto",
                                          "deflate-pings"};

struct PeerServer {
    WsEventLog log;
    ServerThread server{[this](duplex::App&, duplex::WsServer& wss) { install_peer_routes(wss, log); }};
    std::string base() const { return "ws://127.0.0.1:" + std::to_string(server.ws_port()); }
};

// What the server saw of the three ways a peer's connection ends.
void check_close_paths(WsEventLog& log) {
    auto by_client = log.wait_closed("/echo?case=client-close");
    REQUIRE(by_client);
    CHECK(by_client->code == 4000);
    CHECK(by_client->reason == "client bye");
    CHECK(by_client->was_clean);

    auto by_server = log.wait_closed("/echo?case=server-close");
    REQUIRE(by_server);
    CHECK(by_server->code == 4001);  // the code of the Close the peer echoed
    CHECK(by_server->was_clean);

    auto cut = log.wait_closed("/echo?case=abrupt");
    REQUIRE(cut);
    CHECK(cut->code == duplex::CloseCode::Abnormal);
    CHECK_FALSE(cut->was_clean);
}

void check_all_closed_once(WsEventLog& log) {
    CHECK(log.wait_closed_count(log.opened()));
    CHECK(log.violations() == "");
}

}  // namespace

TEST_SUITE("ws independent peers") {
TEST_CASE("Python websockets: echo, 1 and 16 MiB, fragments, ping, close paths, deflate, subprotocol") {
    if (!have_python_peer()) {
        DUPLEX_SKIP("/usr/bin/python3 with websockets not found");
    }
    PeerServer s;
    REQUIRE(s.server.ws_port() > 0);
    std::vector<std::string> names = kCommon;
    names.push_back("big-16m");
    auto [rc, out] = run_python_peer(s.base(), names);
    const std::string& out_text = out;  // clang 14 cannot capture a structured binding in INFO's lambda
    INFO(out_text);
    CHECK(scenarios_not_ok(out, names) == "");
    CHECK(rc == 0);
    check_close_paths(s.log);
    check_all_closed_once(s.log);
    CHECK(s.server.stop());
}

TEST_CASE("Node ws: echo, 1 MiB, fragments, ping, close paths, deflate, subprotocol") {
    if (!have_node_peer()) {
        DUPLEX_SKIP("node or tests/node_modules/ws not found");
    }
    PeerServer s;
    REQUIRE(s.server.ws_port() > 0);
    auto [rc, out] = run_node_peer(s.base(), kCommon);
    const std::string& out_text = out;  // clang 14 cannot capture a structured binding in INFO's lambda
    INFO(out_text);
    CHECK(scenarios_not_ok(out, kCommon) == "");
    CHECK(rc == 0);
    check_close_paths(s.log);
    check_all_closed_once(s.log);
    CHECK(s.server.stop());
}
}
