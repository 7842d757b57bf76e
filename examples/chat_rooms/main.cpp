// chat_rooms: WebSocket chat with one topic per room, on the same port as a small HTTP API.
//
//   ws://127.0.0.1:PORT/rooms/ROOM?name=NAME   join ROOM as NAME ("anonymous" when no name is given)
//   GET /rooms/ROOM/members                     {"room": ROOM, "members": N} over plain HTTP
//
// Every message is a JSON text, sent to every member of the room (the sender included):
//   {"type": "join",    "room": R, "name": N, "members": count after the join}
//   {"type": "leave",   "room": R, "name": N, "members": count after the leave}
//   {"type": "message", "room": R, "name": N, "text": what N sent}
// A member who sends the text "/members" gets {"type": "members", "room": R, "members": N} back, alone.
//
//   build/examples/chat_rooms/chat_rooms --port 3000
//   build/apps/wscat/wscat 'ws://127.0.0.1:3000/rooms/lobby?name=ada'
#include <duplex/duplex.h>

#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

// What the server remembers about one connection, kept in ws.data() (freed with the connection).
struct Member {
    std::string room;
    std::string name;
};

}  // namespace

int main(int argc, char** argv) {
    int port = examples::port_flag(argc, argv, 3000);
    if (port < 0) {
        std::fputs("usage: chat_rooms [--port N]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;
    duplex::App app(loop);
    // Members per room. Everything runs on the loop thread, so plain containers are enough.
    std::map<std::string, std::size_t, std::less<>> members;

    // Topics are per server: a room's topic reaches every connection subscribed to it.
    auto topic = [](std::string_view room) { return "room:" + std::string(room); };
    auto broadcast = [&](const std::string& room, const nlohmann::json& event) {
        app.publish(topic(room), event.dump());
    };

    app.ws("/rooms/:room", {
        // Runs once the handshake succeeded. req is the upgrade request: route parameters and the query string.
        .onopen = [&](duplex::WebSocket& ws, const duplex::Request& req) {
            Member m{std::string(req.param("room")), std::string(req.query("name").value_or("anonymous"))};
            ws.subscribe(topic(m.room));
            std::size_t count = ++members[m.room];
            broadcast(m.room, {{"type", "join"}, {"room", m.room}, {"name", m.name}, {"members", count}});
            *ws.data() = std::move(m);  // read back with std::any_cast<Member>(ws.data())
        },
        .onmessage = [&](duplex::WebSocket& ws, const duplex::Message& msg) {
            const Member* m = std::any_cast<Member>(ws.data());
            if (!m || msg.binary) return;  // this chat speaks text only
            if (msg.data == "/members") {
                ws.send(nlohmann::json{{"type", "members"}, {"room", m->room}, {"members", members[m->room]}}.dump());
                return;
            }
            // msg.data is only valid during this call; json copies it.
            broadcast(m->room, {{"type", "message"}, {"room", m->room}, {"name", m->name}, {"text", msg.data}});
        },
        // Fires exactly once for every connection that opened, however it ended. This connection is closing, so
        // the leave notice reaches the others only.
        .onclose = [&](duplex::WebSocket& ws, const duplex::CloseEvent&) {
            const Member* m = std::any_cast<Member>(ws.data());
            if (!m) return;
            auto it = members.find(m->room);
            std::size_t count = --it->second;
            if (count == 0) members.erase(it);  // forget empty rooms: a client cannot grow the map forever
            broadcast(m->room, {{"type", "leave"}, {"room", m->room}, {"name", m->name}, {"members", count}});
        },
    });

    // The member count on demand, over plain HTTP (the WebSocket path itself answers upgrades only).
    app.get("/rooms/:room/members", [&](duplex::Request& req, duplex::Response& res) {
        auto it = members.find(req.param("room"));
        res.json({{"room", req.param("room")}, {"members", it == members.end() ? 0 : it->second}});
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = port}); rc != 0) {
        std::fprintf(stderr, "chat_rooms: cannot listen on port %d: %s\n", port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on ws://127.0.0.1:%d/rooms/ROOM?name=NAME\n", app.port());
    std::fflush(stdout);
    // Graceful stop: WebSockets get a 1001 close, and their onclose still runs.
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
