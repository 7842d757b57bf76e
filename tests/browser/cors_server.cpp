// The server of the CORS browser test (cors_browser_test.mjs): three Apps on one loop, each on a port of its own.
//   page:  the test page, at the origin the API allows
//   other: the same page, at an origin the API does not allow
//   api:   /api/* behind duplex::cors (the page's origin, credentials, a custom header, an exposed header) and
//          /open/* behind duplex::cors with the defaults ("*", no credentials)
// Prints "page PORT", "other PORT", "api PORT", then "ready"; SIGTERM or SIGINT ends it.
#include <duplex/cors.h>
#include <duplex/duplex.h>

#include <csignal>
#include <cstdio>
#include <string>

namespace {

const char* kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>cors test page</title></head><body>cors test page</body></html>
)";

}  // namespace

int main() {
    duplex::EventLoop loop;
    duplex::App page(loop), other(loop), api(loop);
    for (duplex::App* app : {&page, &other}) {
        app->get("/", [](duplex::Request&, duplex::Response& res) {
            res.type("text/html; charset=utf-8").send(kPage);
        });
        if (app->listen({.host = "127.0.0.1", .port = 0}) != 0) return 1;
    }
    const std::string page_origin = "http://127.0.0.1:" + std::to_string(page.port());

    int preflights = 0;
    api.use([&](duplex::Request& req, duplex::Response&, duplex::Next next) {
        if (req.method() == "OPTIONS") ++preflights;
        next();
    });
    api.use("/api", duplex::cors({.origins = {page_origin},
                                  .allowed_headers = {"X-Custom", "Content-Type"},
                                  .exposed_headers = {"X-Api-Version"},
                                  .credentials = true,
                                  .max_age = std::chrono::seconds(0)}));
    api.use("/open", duplex::cors());
    api.get("/api/data", [](duplex::Request& req, duplex::Response& res) {
        res.set("X-Api-Version", "7").set("X-Hidden", "not exposed");
        res.json({{"ok", true}, {"cookie", req.header("cookie")}, {"custom", req.header("x-custom")}});
    });
    api.put("/api/data", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"ok", true}, {"put", req.body()}});
    });
    api.get("/api/login", [](duplex::Request&, duplex::Response& res) {
        res.append("Set-Cookie", "sid=s3cr3t; Path=/; SameSite=Lax; HttpOnly").json({{"ok", true}});
    });
    api.get("/api/preflights", [&](duplex::Request&, duplex::Response& res) { res.json({{"count", preflights}}); });
    api.get("/open/data", [](duplex::Request&, duplex::Response& res) { res.json({{"open", true}}); });
    if (api.listen({.host = "127.0.0.1", .port = 0}) != 0) return 1;

    std::printf("page %d\nother %d\napi %d\nready\n", page.port(), other.port(), api.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) {
        page.close();
        other.close();
        api.close();
    });
    return loop.run();
}
