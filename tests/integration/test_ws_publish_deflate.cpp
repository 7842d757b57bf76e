// publish and permessage-deflate: a published message is compressed once, without context, and that one compressed
// frame goes to every deflate subscriber, with context takeover or without (a message that refers to nothing before
// it inflates in any window); subscribers without deflate get the plain frame. A subscriber's own compressed sends
// interleave with published frames on one inflater: with context takeover, its own stream starts afresh after a
// shared frame (its peer's window holds bytes the stream never saw). Reports the bytes on the wire and the cost.
#include "support/server_thread.h"
#include "support/ws_raw.h"
#include "support/ws_zlib.h"

#include <doctest/doctest.h>

#include <chrono>

using namespace testing_support;
using namespace std::chrono_literals;

TEST_SUITE("ws topics") {

TEST_CASE("publish compresses once for every deflate subscriber, context takeover or not; plain frames for others") {
    const std::string chat = R"({"type":"message","room":"lobby","name":"ada","text":"hello everyone, how is it going?"})";
    std::string message;
    for (int i = 0; i < 40; ++i) message += chat;  // ~4 KiB of chat-like JSON
    std::string reply = message;                    // a subscriber's own message: close to the published ones
    for (std::size_t at = 0; (at = reply.find("ada", at)) != std::string::npos;) reply.replace(at, 3, "bob");
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        auto join = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("news"); };
        auto own = [&](duplex::WebSocket& ws, const duplex::Message&) { ws.send(reply); };
        wss.route("/fresh", {.onopen = join, .onmessage = own,
                             .options = {.permessage_deflate = true, .server_no_context_takeover = true}});
        wss.route("/context", {.onopen = join, .onmessage = own, .options = {.permessage_deflate = true}});
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
    RawInflater inflater, kept;  // one stream for the whole connection each, as a browser keeps it
    auto f = fresh.read_frame();
    REQUIRE(f);
    CHECK((f->rsv & kRsv1) != 0);
    CHECK(inflater.inflate(f->payload) == message);
    const std::size_t compressed = f->payload.size();
    auto k = context.read_frame();  // the same compressed frame
    REQUIRE(k);
    CHECK((k->rsv & kRsv1) != 0);
    CHECK(k->payload == f->payload);
    CHECK(kept.inflate(k->payload) == message);
    auto p = plain.read_frame();
    REQUIRE(p);
    CHECK(p->rsv == 0);
    CHECK(p->payload == message);
    // Each subscriber's own compressed sends between published frames: all inflate on the same stream. With context
    // takeover the second reply must not refer back across the published frame that came between.
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        for (auto [client, stream] : {std::pair{&fresh, &inflater}, std::pair{&context, &kept}}) {
            REQUIRE(client->send_text("again"));
            auto mine = client->read_frame();
            REQUIRE(mine);
            CHECK((mine->rsv & kRsv1) != 0);
            CHECK(stream->inflate(mine->payload) == reply);
        }
        REQUIRE(server.run_on_loop([&] { server.wss().publish("news", message); }));
        for (auto [client, stream] : {std::pair{&fresh, &inflater}, std::pair{&context, &kept}}) {
            auto again = client->read_frame();
            REQUIRE(again);
            CHECK(stream->inflate(again->payload) == message);
        }
        CHECK(plain.read_frame());
    }
    // Context kept between two replies in a row: the second is smaller than the first.
    std::size_t sizes[2] = {};
    for (std::size_t& size : sizes) {
        REQUIRE(context.send_text("again"));
        auto mine = context.read_frame();
        REQUIRE(mine);
        CHECK(kept.inflate(mine->payload) == reply);
        size = mine->payload.size();
    }
    CHECK(sizes[1] < sizes[0]);
    CHECK(compressed < message.size() / 4);

    // The cost: publishes to the three subscribers, each compressing once (the frames are read as they come).
    constexpr int rounds = 200;
    auto started = std::chrono::steady_clock::now();
    REQUIRE(server.run_on_loop([&] {
        for (int i = 0; i < rounds; ++i) server.wss().publish("news", message);
    }));
    auto spent = std::chrono::steady_clock::now() - started;
    MESSAGE("a " << message.size() << "-byte message goes out as " << compressed << " bytes to every deflate "
                 "subscriber; " << rounds << " publishes to 3 subscribers took "
                 << std::chrono::duration_cast<std::chrono::microseconds>(spent).count() / rounds << " us each");
    for (int i = 0; i < rounds; ++i) {
        auto a = fresh.read_frame();
        auto b = context.read_frame();
        REQUIRE(a);
        REQUIRE(b);
        CHECK(inflater.inflate(a->payload) == message);
        CHECK(kept.inflate(b->payload) == message);
    }
}

}  // TEST_SUITE
