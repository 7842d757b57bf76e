// spa: a single-page app and its API from one server.
//
//   /api/...        the JSON API (a sub-router): GET /api/status, GET /api/greeting/:name
//   /app.js, ...    files under the public directory (examples/spa/public)
//   anything else   index.html: the page's own router (history.pushState) draws /about or /users/7, so a reload
//                   or a shared link to such a path must get the page, not a 404 ("history fallback")
//
// Unknown /api paths and missing files (a last segment with a dot, like /logo.png) stay real 404s: an API client
// or a <script> tag must never receive HTML.
//
//   build/examples/spa/spa --port 3000 --public examples/spa/public
#include <duplex/duplex.h>
#include <duplex/static_files.h>

#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

// True for "/api" and "/api/..." in any case (routes match case-insensitively, so the fallback must too).
bool is_api_path(std::string_view path) {
    constexpr std::string_view prefix = "/api";
    if (path.size() < prefix.size() || (path.size() > prefix.size() && path[prefix.size()] != '/')) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(path[i])) != prefix[i]) return false;
    return true;
}

// A path whose last segment has a dot names a file ("/img/logo.png"), not a page of the app.
bool looks_like_file(std::string_view path) {
    return path.substr(path.rfind('/') + 1).find('.') != std::string_view::npos;
}

struct Args {
    int port = 3000;
    std::string public_dir = "examples/spa/public";
};

// "--port N" (0 picks a free port) and "--public DIR"; false when the command line is wrong.
bool parse_args(int argc, char** argv, Args& args) {
    return examples::parse_flags(argc, argv, [&](std::string_view flag, std::string_view v) {
        if (flag == "--port") return examples::parse_port(v, args.port);
        if (flag != "--public") return false;
        args.public_dir = v;
        return true;
    });
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, args)) {
        std::fputs("usage: spa [--port N] [--public DIR]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;
    duplex::App app(loop);
    const std::uint64_t started_ms = loop.now_ms();

    // The API lives in its own router, mounted at /api: inside it, paths are written without the prefix.
    duplex::Router api;
    api.get("/status", [&](duplex::Request&, duplex::Response& res) {
        res.json({{"ok", true}, {"uptime_ms", loop.now_ms() - started_ms}});
    });
    api.get("/greeting/:name", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"greeting", "hello, " + std::string(req.param("name"))}});
    });
    app.use("/api", api);

    // Real files first. serve_static throws std::invalid_argument when the directory does not exist.
    try {
        app.use(duplex::serve_static(args.public_dir));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "spa: %s\n", e.what());
        return 2;
    }

    // History fallback: a GET for a page of the app gets index.html. Everything else goes on (next), to the
    // built-in final handler: 404, or 405 with Allow when the path exists under another method.
    const std::string index = args.public_dir + "/index.html";
    app.use([index](duplex::Request& req, duplex::Response& res, duplex::Next next) {
        bool page = (req.method() == "GET" || req.method() == "HEAD") && !is_api_path(req.path()) &&
                    !looks_like_file(req.path());
        if (!page) return next();
        res.set("Cache-Control", "no-cache");  // the page names the current app.js: always revalidate it
        res.send_file(index);
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = args.port}); rc != 0) {
        std::fprintf(stderr, "spa: cannot listen on port %d: %s\n", args.port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%d\n", app.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
