// examples/chat_rooms against the running binary: rooms from the URL, a name from the query string, join and
// leave notices with the member count, messages to the sender's room only, the count on demand (WebSocket and HTTP).
#include "examples/example_process.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>

using namespace testing_support;
using nlohmann::json;

namespace {

// The next message as JSON (null on time-out or close).
json next_event(WsRawClient& c) {
    auto m = c.read_message();
    return m ? json::parse(*m) : json();
}

json event(const char* type, const char* room, const char* name, int members) {
    return {{"type", type}, {"room", room}, {"name", name}, {"members", members}};
}

std::unique_ptr<WsRawClient> join(int port, const std::string& target) {
    auto c = std::make_unique<WsRawClient>(port);
    REQUIRE(c->open(target));
    return c;
}

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("chat_rooms: join, talk, count and leave, one room apart from another") {
    ExampleProcess app("chat_rooms");
    REQUIRE(app.port() > 0);
    auto ada = join(app.port(), "/rooms/lobby?name=ada");
    CHECK(next_event(*ada) == event("join", "lobby", "ada", 1));
    auto bob = join(app.port(), "/rooms/lobby?name=bob");
    CHECK(next_event(*ada) == event("join", "lobby", "bob", 2));
    CHECK(next_event(*bob) == event("join", "lobby", "bob", 2));
    // Another room, percent-encoded in the URL, and no name.
    auto cy = join(app.port(), "/rooms/caf%C3%A9");
    CHECK(next_event(*cy) == event("join", "caf\xC3\xA9", "anonymous", 1));

    REQUIRE(ada->send_text("hi all"));
    json said = {{"type", "message"}, {"room", "lobby"}, {"name", "ada"}, {"text", "hi all"}};
    CHECK(next_event(*ada) == said);
    CHECK(next_event(*bob) == said);
    // The other room heard nothing: its next message is its own.
    REQUIRE(cy->send_text("anyone?"));
    CHECK(next_event(*cy)["text"] == "anyone?");

    // The count on demand: to the asker only, and over HTTP.
    REQUIRE(bob->send_text("/members"));
    CHECK(next_event(*bob) == json{{"type", "members"}, {"room", "lobby"}, {"members", 2}});
    auto counted = ask(app.port(), "GET", "/rooms/lobby/members");
    REQUIRE(counted);
    CHECK(json::parse(counted->body) == json{{"room", "lobby"}, {"members", 2}});
    auto empty = ask(app.port(), "GET", "/rooms/nobody-here/members");
    REQUIRE(empty);
    CHECK(json::parse(empty->body) == json{{"room", "nobody-here"}, {"members", 0}});

    // Leaving: a clean close and a dropped connection both send the notice to those who stay.
    REQUIRE(bob->send_frame(close_payload(1000), {.opcode = op::close}));
    REQUIRE(bob->read_close());  // the server's answer; it then ends TCP and waits for ours, as a browser does
    bob->raw().close();
    CHECK(next_event(*ada) == event("leave", "lobby", "bob", 1));
    cy->raw().reset();
    auto after = ask(app.port(), "GET", "/rooms/caf%C3%A9/members");
    REQUIRE(after);
    CHECK(json::parse(after->body)["members"] == 0);
    REQUIRE(ada->send_text("/members"));
    CHECK(next_event(*ada)["members"] == 1);

    // A graceful stop closes the rest with 1001 and exits 0.
    app.process().signal(SIGTERM);
    auto closing = ada->read_close();
    REQUIRE(closing);
    CHECK(closing->close_code() == 1001);
    REQUIRE(ada->send_frame(close_payload(1001), {.opcode = op::close}));
    CHECK(app.process().wait(10s) == 0);
}

}  // TEST_SUITE
