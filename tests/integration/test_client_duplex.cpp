// duplex::connect against the duplex server (ServerThread): messages both ways, 16 MiB, subprotocols,
// permessage-deflate on and off, pings, backpressure, every close path, names and IPv6.
#include "support/client_log.h"
#include "support/server_thread.h"
#include "support/skip.h"

#include <doctest/doctest.h>

using namespace testing_support;
using duplex::ReadyState;

namespace {

// /echo echoes, except for a few commands that make the server act; /deflate echoes with permessage-deflate.
void setup_routes(duplex::App&, duplex::WsServer& wss) {
    auto on_message = [&wss](duplex::WebSocket& ws, const duplex::Message& m) {
        if (m.binary) {
            ws.send(m);
        } else if (m.data == "close-me") {
            ws.close(4002, "server says bye");
        } else if (m.data == "terminate") {
            ws.terminate();
        } else if (m.data == "ping-me") {
            ws.ping("srv");
        } else if (m.data == "ping-me-big") {
            ws.ping(std::string(100, 's'));  // over compress_min_bytes: still never compressed
        } else if (m.data == "shutdown") {
            wss.close(duplex::CloseCode::GoingAway);
        } else {
            ws.send(m);
        }
    };
    wss.route("/echo", {
        .onmessage = on_message,
        .select_protocol = [](const std::vector<std::string_view>& offered) {
            for (std::string_view p : offered) {
                if (p == "chat.v2") return std::string(p);
            }
            return std::string();
        },
    });
    wss.route("/deflate", {.onmessage = on_message, .options = {.permessage_deflate = true}});
}

struct Fixture {
    ServerThread server{setup_routes};
    std::string url(const std::string& path) const {
        return "ws://127.0.0.1:" + std::to_string(server.ws_port()) + path;
    }
};

}  // namespace

TEST_SUITE("client vs duplex server") {
TEST_CASE_FIXTURE(Fixture, "text and binary echo with the server's choice of subprotocol") {
    std::string binary(256, '\0');
    for (int i = 0; i < 256; ++i) binary[static_cast<std::size_t>(i)] = static_cast<char>(i);
    duplex::ClientOptions options = echo_in_turn({{false, "hello"}, {true, binary}});
    options.protocols = {"chat.v1", "chat.v2"};
    auto user_open = options.onopen;
    const std::string target = url("/echo?room=a");
    options.onopen = [&](duplex::WebSocket& ws) {
        CHECK(ws.protocol() == "chat.v2");
        CHECK(ws.extensions().empty());
        CHECK(ws.url() == target);
        user_open(ws);
    };
    ClientLog log = exchange(target, std::move(options));
    CHECK(log.summary() == "open | message text hello | message binary 256 bytes | close 1000  clean");
    CHECK(log.states == std::vector<ReadyState>{ReadyState::Open, ReadyState::Open, ReadyState::Open,
                                                ReadyState::Closed});
    REQUIRE(log.messages.size() == 2);
    CHECK(log.messages[1] == std::make_pair(true, binary));
}

TEST_CASE_FIXTURE(Fixture, "16 MiB text and binary messages both ways") {
    const std::string big = sample_text(16 * 1024 * 1024);
    ClientLog log = exchange(url("/echo"), echo_in_turn({{false, big}, {true, big}}));
    INFO(log.summary());
    REQUIRE(log.messages.size() == 2);
    CHECK(log.messages[0] == std::make_pair(false, big));
    CHECK(log.messages[1] == std::make_pair(true, big));
    CHECK(log.events.back() == "close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "permessage-deflate is offered when asked and used both ways") {
    const std::string text = sample_text(1024 * 1024);
    duplex::ClientOptions options = echo_in_turn({{false, text}, {false, "short"}, {true, text}});
    options.options.permessage_deflate = true;
    auto user_open = options.onopen;
    options.onopen = [&](duplex::WebSocket& ws) {
        CHECK(ws.extensions().find("permessage-deflate") == 0);
        user_open(ws);
    };
    ClientLog log = exchange(url("/deflate"), std::move(options));
    REQUIRE(log.messages.size() == 3);
    CHECK(log.messages[0].second == text);
    CHECK(log.messages[1].second == "short");
    CHECK(log.messages[2] == std::make_pair(true, text));
    CHECK(log.events.back() == "close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "without the deflate option nothing is offered") {
    duplex::ClientOptions options = echo_in_turn({{false, sample_text(4096)}});
    options.onopen = [user = options.onopen](duplex::WebSocket& ws) {
        CHECK(ws.extensions().empty());
        user(ws);
    };
    ClientLog log = exchange(url("/deflate"), std::move(options));
    CHECK(log.summary() == "open | message text 4096 bytes | close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "pings both ways: the client pongs the server, the server pongs the client") {
    ClientLog log = exchange(url("/echo"), {
        .onopen = [](duplex::WebSocket& ws) {
            CHECK(ws.ping("cli") == duplex::SendResult::Queued);
            ws.send("ping-me");
        },
        .onping = [](duplex::WebSocket& ws, std::string_view) { ws.close(); },
    });
    CHECK(log.summary() == "open | pong cli | ping srv | close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "pings of 100 bytes both ways on a deflate connection go uncompressed (RFC 7692 6.1)") {
    // Before the fix the server's ping went out with RSV1 and this client failed the connection with 1002.
    duplex::ClientOptions options{
        .onopen = [](duplex::WebSocket& ws) {
            CHECK(ws.extensions().find("permessage-deflate") == 0);
            CHECK(ws.ping(std::string(100, 'c')) == duplex::SendResult::Queued);
            ws.send("ping-me-big");
        },
        .onping = [](duplex::WebSocket& ws, std::string_view) { ws.close(); },
    };
    options.options.permessage_deflate = true;
    ClientLog log = exchange(url("/deflate"), std::move(options));
    CHECK(log.summary() == "open | pong " + std::string(100, 'c') + " | ping " + std::string(100, 's') +
                               " | close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "every way a connection ends") {
    auto command = [](std::string text) {
        return duplex::ClientOptions{.onopen = [text](duplex::WebSocket& ws) { ws.send(text); }};
    };
    SUBCASE("the client closes with a code and a reason") {
        ClientLog log = exchange(url("/echo"), {.onopen = [](duplex::WebSocket& ws) {
            ws.close(4001, "client says bye");
            CHECK(ws.ready_state() == ReadyState::Closing);
            CHECK(ws.send("late") == duplex::SendResult::Closed);
        }});
        CHECK(log.summary() == "open | close 4001  clean");
    }
    SUBCASE("the server closes with a code and a reason") {
        ClientLog log = exchange(url("/echo"), command("close-me"));
        CHECK(log.summary() == "open | close 4002 server says bye clean");
        CHECK(log.states.back() == ReadyState::Closed);
    }
    SUBCASE("the server drops the connection") {
        ClientLog log = exchange(url("/echo"), command("terminate"));
        CHECK(log.summary() == "open | close 1006  unclean");
    }
    SUBCASE("the server shuts down") {
        ClientLog log = exchange(url("/echo"), command("shutdown"));
        CHECK(log.summary() == "open | close 1001 server shutting down clean");
    }
    SUBCASE("the client terminates") {
        ClientLog log = exchange(url("/echo"), {.onopen = [](duplex::WebSocket& ws) { ws.terminate(); }});
        CHECK(log.summary() == "open | close 1006  unclean");
    }
    SUBCASE("an exception in onopen closes with 1011") {
        ClientLog log = exchange(url("/echo"), {.onopen = [](duplex::WebSocket&) {
            throw std::runtime_error("boom");
        }});
        CHECK(log.summary() == "open | close 1011  clean");
    }
}

TEST_CASE_FIXTURE(Fixture, "backpressure: a send over the high-water mark reports it, then ondrain fires") {
    duplex::ClientOptions options{
        .onopen = [](duplex::WebSocket& ws) {
            CHECK(ws.send_binary(std::string(64 * 1024, 'x')) == duplex::SendResult::Backpressure);
            CHECK(ws.buffered_amount() >= 64 * 1024);
        },
        .ondrain = [](duplex::WebSocket& ws) { CHECK(ws.buffered_amount() == 0); },
    };
    options.options.high_water_bytes = 1024;
    options.onmessage = [](duplex::WebSocket& ws, const duplex::Message&) { ws.close(); };
    ClientLog log = exchange(url("/echo"), std::move(options));
    CHECK(log.summary() == "open | drain | message binary 65536 bytes | close 1000  clean");
}

TEST_CASE_FIXTURE(Fixture, "a host name is resolved (localhost)") {
    ClientLog log = exchange("ws://localhost:" + std::to_string(server.ws_port()) + "/echo",
                             echo_in_turn({{false, "by name"}}));
    CHECK(log.summary() == "open | message text by name | close 1000  clean");
}
}

TEST_SUITE("client vs duplex server") {
TEST_CASE("an IPv6 literal reaches a server on [::1]") {
    duplex::EventLoop loop;
    duplex::WsServer wss(loop);
    wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
    if (wss.listen({.host = "::1", .port = 0}) != 0) {
        DUPLEX_SKIP("no IPv6 loopback here");
    }
    ClientLog log;
    duplex::connect(loop, "ws://[::1]:" + std::to_string(wss.port()) + "/echo", log.wrap({
        .onopen = [](duplex::WebSocket& ws) { ws.send("six"); },
        .onmessage = [](duplex::WebSocket& ws, const duplex::Message&) { ws.close(); },
        .onclose = [&](duplex::WebSocket&, const duplex::CloseEvent&) { wss.close(); },
    }));
    CHECK(run_loop(loop));
    CHECK(log.summary() == "open | message text six | close 1000  clean");
}
}
