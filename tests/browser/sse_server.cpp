// The server of the server-sent events browser test (sse_browser_test.mjs). GET / is an empty page; GET /events
// resumes after the Last-Event-ID the browser sends (0 without one): three "tick" events with the next ids and
// two-line data, then close(), so the browser must reconnect to get more. GET /log says what each connection
// brought (its Last-Event-ID) and how many streams ended because the client went.
// Prints "port N" then "ready"; SIGTERM or SIGINT ends it.
#include <duplex/duplex.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

int main() {
    duplex::EventLoop loop;
    duplex::App app(loop);
    std::vector<std::string> last_ids;  // one per connection, in order
    int gone = 0;
    std::vector<duplex::EventStream> open;  // streams left open (dropping the last handle would end one)
    app.get("/", [](duplex::Request&, duplex::Response& res) {
        res.type("text/html; charset=utf-8").send("<!doctype html><html><head><title>sse</title></head></html>\n");
    });
    app.get("/events", [&](duplex::Request&, duplex::Response& res) {
        duplex::EventStream stream = duplex::sse(res, {.heartbeat = std::chrono::milliseconds(200),
                                                       .retry = std::chrono::milliseconds(100)});
        last_ids.emplace_back(stream.last_event_id());
        stream.on_close([&](bool client_gone) { gone += client_gone ? 1 : 0; });
        const int from = last_ids.back().empty() ? 0 : std::stoi(last_ids.back());
        for (int id = from + 1; id <= from + 3; ++id) {
            const std::string n = std::to_string(id);
            stream.send({.data = "tick " + n + "\r\nsecond line", .event = "tick", .id = n});
        }
        if (from >= 6) open.push_back(stream);  // from the third connection on, it stays open (heartbeats only)
        else stream.close();
    });
    app.get("/log", [&](duplex::Request&, duplex::Response& res) {
        res.json({{"last_ids", last_ids}, {"gone", gone}});
    });
    if (app.listen({.host = "127.0.0.1", .port = 0}) != 0) return 1;
    std::printf("port %d\nready\n", app.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
