// publish and permessage-deflate: a published message is compressed once, and that one compressed frame goes to
// every subscriber whose agreement has server_no_context_takeover (its peer inflates each message on its own).
// Subscribers with context takeover, and those without deflate, get the plain frame. A subscriber's own compressed
// sends interleave with published frames on one inflater. Reports the bytes on the wire and the cost per publish.
#include "support/server_thread.h"
#include "support/ws_raw.h"
#include "support/ws_zlib.h"

#include <doctest/doctest.h>

#include <chrono>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("ws topics") {

TEST_CASE("publish compresses once for no-context-takeover deflate subscribers, plain frames for the others") {
    const std::string chat = R"({"type":"message","room":"lobby","name":"ada","text":"hello everyone, how is it going?"})";
    std::string message;
    for (int i = 0; i < 40; ++i) message += chat;  // ~4 KiB of chat-like JSON
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        auto join = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("news"); };
        auto own = [&](duplex::WebSocket& ws, const duplex::Message&) { ws.send(message); };
        wss.route("/fresh", {.onopen = join, .onmessage = own,
                             .options = {.permessage_deflate = true, .server_no_context_takeover = true}});
        wss.route("/context", {.onopen = join, .options = {.permessage_deflate = true}});
        wss.route("/plain", {.onopen = join});
    });
    const std::string offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n";
    WsRawClient fresh(server.ws_port()), context(server.ws_port()), plain(server.ws_port());
    REQUIRE(fresh.open("/fresh", offer));
    REQUIRE(context.open("/context", offer));
    REQUIRE(plain.open("/plain"));

    std::size_t accepted = 0;
    REQUIRE(server.run_on_loop([&] { accepted = server.wss().publish("news", message); }));
    CHECK(accepted == 3);
    RawInflater inflater;  // one stream for the whole connection, as a browser keeps it
    auto f = fresh.read_frame();
    REQUIRE(f);
    CHECK((f->rsv & kRsv1) != 0);
    CHECK(inflater.inflate(f->payload) == message);
    const std::size_t compressed = f->payload.size();
    for (WsRawClient* c : {&context, &plain}) {
        auto p = c->read_frame();
        REQUIRE(p);
        CHECK(p->rsv == 0);
        CHECK(p->payload == message);
    }
    // The subscriber's own compressed send, then another published frame: both inflate on the same stream.
    REQUIRE(fresh.send_text("again"));
    auto mine = fresh.read_frame();
    REQUIRE(mine);
    CHECK(inflater.inflate(mine->payload) == message);
    REQUIRE(server.run_on_loop([&] { server.wss().publish("news", message); }));
    auto again = fresh.read_frame();
    REQUIRE(again);
    CHECK(inflater.inflate(again->payload) == message);
    CHECK(compressed < message.size() / 4);

    // The cost: publishes to the three subscribers, each compressing once (the frames are read as they come).
    constexpr int rounds = 200;
    auto started = std::chrono::steady_clock::now();
    REQUIRE(server.run_on_loop([&] {
        for (int i = 0; i < rounds; ++i) server.wss().publish("news", message);
    }));
    auto spent = std::chrono::steady_clock::now() - started;
    MESSAGE("a " << message.size() << "-byte message goes out as " << compressed << " bytes to a deflate subscriber "
                 "without context takeover; " << rounds << " publishes to 3 subscribers took "
                 << std::chrono::duration_cast<std::chrono::microseconds>(spent).count() / rounds << " us each");
    for (int i = 0; i < rounds; ++i) {
        auto p = fresh.read_frame();
        REQUIRE(p);
        CHECK(inflater.inflate(p->payload) == message);
    }
}

}  // TEST_SUITE
