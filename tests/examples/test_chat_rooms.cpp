// examples/chat_rooms against the running binary: rooms from the URL, a name from the query string, join and
// leave notices with the member count, messages to the sender's room only, the count on demand (WebSocket and HTTP),
// through duplex::testing::TestClient.
#include "examples/example_process.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>

using namespace testing_support;
using nlohmann::json;

namespace {

using duplex::testing::TestWebSocket;

// The next message as JSON.
json next_event(TestWebSocket& c) { return json::parse(c.next_message()); }

json event(const char* type, const char* room, const char* name, int members) {
    return {{"type", type}, {"room", room}, {"name", name}, {"members", members}};
}

}  // namespace

TEST_SUITE("examples") {

TEST_CASE("chat_rooms: join, talk, count and leave, one room apart from another") {
    ExampleProcess app("chat_rooms");
    REQUIRE(app.port() > 0);
    auto ada = app.client().ws("/rooms/lobby?name=ada");
    CHECK(next_event(ada) == event("join", "lobby", "ada", 1));
    auto bob = app.client().ws("/rooms/lobby?name=bob");
    CHECK(next_event(ada) == event("join", "lobby", "bob", 2));
    CHECK(next_event(bob) == event("join", "lobby", "bob", 2));
    // Another room, percent-encoded in the URL, and no name.
    auto cy = app.client().ws("/rooms/caf%C3%A9");
    CHECK(next_event(cy) == event("join", "caf\xC3\xA9", "anonymous", 1));

    ada.send("hi all");
    json said = {{"type", "message"}, {"room", "lobby"}, {"name", "ada"}, {"text", "hi all"}};
    CHECK(next_event(ada) == said);
    CHECK(next_event(bob) == said);
    // The other room heard nothing: its next message is its own.
    cy.send("anyone?");
    CHECK(next_event(cy)["text"] == "anyone?");

    // The count on demand: to the asker only, and over HTTP.
    bob.send("/members");
    CHECK(next_event(bob) == json{{"type", "members"}, {"room", "lobby"}, {"members", 2}});
    CHECK(app.client().get("/rooms/lobby/members").send().json() == json{{"room", "lobby"}, {"members", 2}});
    CHECK(app.client().get("/rooms/nobody-here/members").send().json() ==
          json{{"room", "nobody-here"}, {"members", 0}});

    // Leaving: a clean close and a dropped connection both send the notice to those who stay.
    bob.close();
    CHECK(bob.wait_closed().was_clean);
    CHECK(next_event(ada) == event("leave", "lobby", "bob", 1));
    cy.socket().terminate();
    CHECK(app.client().get("/rooms/caf%C3%A9/members").send().json()["members"] == 0);
    ada.send("/members");
    CHECK(next_event(ada)["members"] == 1);

    // A graceful stop closes the rest with 1001 and exits 0.
    app.process().signal(SIGTERM);
    CHECK(ada.wait_closed().code == 1001);
    CHECK(app.process().wait(10s) == 0);
}

}  // TEST_SUITE
