// duplex::connect against other implementations: a Python `websockets` server and a Node `ws` server
// (tests/peers/client_peer_server.{py,mjs}, same paths and behaviours), each a child process on port 0.
#include "support/client_log.h"
#include "support/process.h"
#include "support/skip.h"
#include "support/ws_peers.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>

using namespace testing_support;
using duplex::ReadyState;

namespace {

// Each peer starts once (on first use) and lives until the test program exits: doctest runs a test case again
// for every SUBCASE. Returns its port, 0 when it did not come up.
int peer_port(std::vector<std::string> argv) {
    static std::map<std::string, std::pair<std::unique_ptr<Process>, int>> peers;
    auto& [process, port] = peers[argv.back()];
    if (!process) {
        process = std::make_unique<Process>(std::move(argv));
        std::optional<std::string> line = process->started() ? process->read_line(15s) : std::nullopt;
        port = line ? std::atoi(line->c_str()) : 0;
    }
    return port;
}

void check_closed(const ClientLog& log, std::uint16_t code, bool clean) {
    REQUIRE(log.close.has_value());
    CHECK(log.close->code == code);
    CHECK(log.close->was_clean == clean);
    CHECK(log.states.back() == ReadyState::Closed);
}

// The same conversation with either peer.
void converse(int port) {
    const std::string base = "ws://127.0.0.1:" + std::to_string(port);
    std::string binary(256, '\0');
    for (int i = 0; i < 256; ++i) binary[static_cast<std::size_t>(i)] = static_cast<char>(i);

    SUBCASE("text and binary echo, permessage-deflate off") {
        duplex::ClientOptions options = echo_in_turn({{false, "hello"}, {true, binary}});
        options.onopen = [user = options.onopen](duplex::WebSocket& ws) {
            CHECK(ws.extensions().empty());
            user(ws);
        };
        ClientLog log = exchange(base + "/echo", std::move(options));
        CHECK(log.messages == std::vector<std::pair<bool, std::string>>{{false, "hello"}, {true, binary}});
        check_closed(log, 1000, true);
    }
    SUBCASE("echo with permessage-deflate on") {
        const std::string text = sample_text(256 * 1024);
        duplex::ClientOptions options = echo_in_turn({{false, text}, {true, text}, {false, "tiny"}});
        options.options.permessage_deflate = true;
        options.onopen = [user = options.onopen](duplex::WebSocket& ws) {
            CHECK(ws.extensions().find("permessage-deflate") == 0);
            user(ws);
        };
        ClientLog log = exchange(base + "/echo", std::move(options));
        CHECK(log.messages == std::vector<std::pair<bool, std::string>>{{false, text}, {true, text}, {false, "tiny"}});
        check_closed(log, 1000, true);
    }
    SUBCASE("16 MiB messages") {
        const std::string big = sample_text(16 * 1024 * 1024);
        ClientLog log = exchange(base + "/echo", echo_in_turn({{true, big}, {false, big}}), 60s);
        REQUIRE(log.messages.size() == 2);
        CHECK(log.messages[0] == std::make_pair(true, big));
        CHECK(log.messages[1] == std::make_pair(false, big));
        check_closed(log, 1000, true);
    }
    SUBCASE("fragmented messages from the server are reassembled") {
        ClientLog log = exchange(base + "/fragments", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) {
            if (m.binary) ws.send("after");  // the fragmented messages came whole; the server echoes again
            if (m.data == "after") ws.close();
        }});
        CHECK(log.summary() == "open | message text fragmented hello world | message binary 256 bytes | "
                               "message text after | close 1000  clean");
        REQUIRE(log.messages.size() == 3);
        CHECK(log.messages[1].second == binary);
    }
    SUBCASE("the server's ping is answered; its pong report follows") {
        ClientLog log = exchange(base + "/ping", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message&) {
            ws.close();
        }});
        CHECK(log.events.at(0) == "open");
        CHECK(log.events.at(1) == "ping hi-ping");
        CHECK(log.events.at(2) == "message text pong:hi-ping");
        check_closed(log, 1000, true);
    }
    SUBCASE("the server closes with a code and a reason") {
        ClientLog log = exchange(base + "/close?code=4001&reason=bye", {});
        CHECK(log.summary() == "open | close 4001 bye clean");
    }
    SUBCASE("the server drops the connection") {
        ClientLog log = exchange(base + "/drop", {});
        CHECK(log.summary() == "open | close 1006  unclean");
    }
    SUBCASE("the client closes; the server answers") {
        ClientLog log = exchange(base + "/echo", {.onopen = [](duplex::WebSocket& ws) { ws.close(4100, "cli"); }});
        check_closed(log, 4100, true);
        CHECK(log.events.size() == 2);
    }
    SUBCASE("subprotocol choice") {
        auto chosen = [&](std::vector<std::string> offered) {
            std::string protocol = "unset";
            exchange(base + "/echo", {.onopen = [&](duplex::WebSocket& ws) {
                protocol = ws.protocol();
                ws.close();
            }, .protocols = std::move(offered)});
            return protocol;
        };
        CHECK(chosen({"chat.v1", "chat.v2"}) == "chat.v2");
        CHECK(chosen({"chat.v1", "other"}) == "chat.v1");
        CHECK(chosen({}).empty());
    }
}

}  // namespace

TEST_SUITE("client vs other servers") {
TEST_CASE("Python websockets server") {
    if (!have_python_peer()) {
        DUPLEX_SKIP("/usr/bin/python3 with websockets not found");
    }
    const int port = peer_port({"/usr/bin/python3", source_root() + "/tests/peers/client_peer_server.py"});
    REQUIRE_MESSAGE(port > 0, "the Python peer did not start (is python3-websockets installed?)");
    converse(port);
}

TEST_CASE("Node ws server") {
    if (!have_node_peer()) {
        DUPLEX_SKIP("node or tests/node_modules/ws not found");
    }
    const int port = peer_port({"node", source_root() + "/tests/peers/client_peer_server.mjs"});
    REQUIRE_MESSAGE(port > 0, "the Node peer did not start");
    converse(port);
}
}
