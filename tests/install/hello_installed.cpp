// Built by install_test.sh against the installed duplex only (pkg-config duplex): it answers one request on
// a free port, printed on its first line, then closes the server so the program exits 0.
#include <duplex/duplex.h>

#include <cstdio>

int main() {
    duplex::EventLoop loop;
    duplex::App app(loop);
    app.get("/hello/:name", [&app](duplex::Request& req, duplex::Response& res) {
        res.json({{"hello", req.param("name")}});
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
