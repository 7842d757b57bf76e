// redis_chat: chat rooms that span every process attached to the same Redis. Run it twice on two ports: a
// member of a room on one hears the members of that room on the other.
//
//   ws://127.0.0.1:PORT/rooms/ROOM   join ROOM: every message a member sends, text or binary, goes to every
//                                    member of ROOM in every redis_chat on that Redis (the sender included)
//   GET /redis                        the bridge: {"state", "reason", "published", "dropped", "received"}
//
//   build/examples/redis_chat/redis_chat --port 3000 --redis redis://127.0.0.1:6379
//   build/examples/redis_chat/redis_chat --port 3001 --redis redis://127.0.0.1:6379
//   build/apps/wscat/wscat ws://127.0.0.1:3000/rooms/lobby      (and another one on 3001)
//
// The code is an ordinary single-process chat plus one line: the RedisBridge. Its state goes to stdout
// ("redis: connected", "redis: reconnecting (REASON), retry in N ms").
#include <duplex/duplex.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

struct Flags {
    int port = 3000;
    std::string redis = "redis://127.0.0.1:6379";
};

// "--port N" (0 picks a free port) and "--redis URL"; false when the command line is wrong.
bool parse_flags(int argc, char** argv, Flags& f) {
    return examples::parse_flags(argc, argv, [&](std::string_view flag, std::string_view v) {
        if (flag == "--port") return examples::parse_port(v, f.port);
        if (flag != "--redis") return false;
        f.redis = v;
        return true;
    });
}

const char* state_name(duplex::RedisState s) {
    switch (s) {
    case duplex::RedisState::Connecting: return "connecting";
    case duplex::RedisState::Connected: return "connected";
    case duplex::RedisState::Reconnecting: return "reconnecting";
    case duplex::RedisState::Closed: return "closed";
    }
    return "?";
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    if (!parse_flags(argc, argv, flags)) {
        std::fputs("usage: redis_chat [--port N] [--redis redis://[:password@]host[:port][/db]]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;
    duplex::App app(loop);
    app.ws("/rooms/:room", {
        .onopen = [](duplex::WebSocket& ws, const duplex::Request& req) {
            ws.subscribe("room:" + std::string(req.param("room")));
        },
        // Exactly what a one-process chat does: the bridge makes publish reach the other processes too.
        .onmessage = [&app](duplex::WebSocket& ws, const duplex::Message& m) {
            std::string_view room = std::string_view(ws.url()).substr(std::string_view("/rooms/").size());
            app.publish("room:" + std::string(room.substr(0, room.find('?'))), m.data, m.binary);
        },
    });

    std::string last_reason;
    std::optional<duplex::RedisBridge> bridge;  // after the App, so that it goes first
    try {
        bridge.emplace(app, duplex::RedisBridgeOptions{
            .url = flags.redis,
            .on_state = [&last_reason](const duplex::RedisStatus& s) {
                last_reason = s.reason;
                if (s.state == duplex::RedisState::Reconnecting)
                    std::printf("redis: reconnecting (%s), retry in %lld ms\n", s.reason.c_str(),
                                static_cast<long long>(s.retry_in.count()));
                else
                    std::printf("redis: %s\n", state_name(s.state));
                std::fflush(stdout);
            },
        });
    } catch (const std::invalid_argument& e) {  // a malformed URL
        std::fprintf(stderr, "redis_chat: %s\n", e.what());
        return 2;
    }
    app.get("/redis", [&](duplex::Request&, duplex::Response& res) {
        const duplex::RedisBridgeStats& s = bridge->stats();
        res.json({{"state", state_name(bridge->state())}, {"reason", last_reason}, {"published", s.published},
                  {"dropped", s.dropped}, {"received", s.received}});
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = flags.port}); rc != 0) {
        std::fprintf(stderr, "redis_chat: cannot listen on port %d: %s\n", flags.port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on ws://127.0.0.1:%d/rooms/ROOM\n", app.port());
    std::fflush(stdout);
    // The bridge's connections never keep the loop running: closing the App is enough to end run().
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
