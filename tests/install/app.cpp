// The one-file app that tests/install builds against duplex the three ways a user can (pkg-config, CMake's
// find_package, a meson subproject): GET /hello/:name answers JSON, /echo echoes WebSocket messages, GET /quit
// closes both so the program ends with status 0. It listens on free ports and prints them on its first line.
#include <duplex/duplex.h>

#include <cstdio>

int main() {
    duplex::EventLoop loop;
    duplex::App app(loop);
    app.get("/hello/:name", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"hello", req.param("name")}});
    });
    app.ws("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
    app.get("/quit", [&app](duplex::Request&, duplex::Response& res) {
        res.send("bye");
        app.close();
    });
    if (int rc = app.listen({.host = "127.0.0.1", .port = 0}); rc != 0) {
        std::fprintf(stderr, "listen: %s\n", duplex::error_text(rc).c_str());
        return 2;
    }
    std::printf("%d\n", app.port());
    std::fflush(stdout);
    return loop.run();
}
