// The duplex demo: the seed's classic setup in one process and one loop.
//   HTTP on 3000: the demo page (static/), /api/hello/:name, /api/echo, /api/stats.
//   WebSocket on 8080: /ws greets "world" and broadcasts every text message to all /ws clients;
//                      /echo echoes every message (permessage-deflate offered).
// The exact behaviour is the demo contract (shared with tests and benchmarks).
#include "demo_options.h"

#include <duplex/compression.h>
#include <duplex/duplex.h>
#include <duplex/static_files.h>

#include <csignal>
#include <cstdio>
#include <random>
#include <string>

int main(int argc, char** argv) {
    demo::Options opt;
    if (int rc = demo::parse_options(argc, argv, opt); rc >= 0) return rc;

    duplex::EventLoop loop;
    duplex::App app(loop);
    duplex::WsServer wss(loop);
    std::uint64_t http_requests = 0, ws_messages = 0;

    if (!opt.quiet) app.log_to_stderr();
    app.use([&](duplex::Request&, duplex::Response&, duplex::Next next) {
        ++http_requests;
        next();
    });
    app.get("/api/hello/:name", [](duplex::Request& req, duplex::Response& res) {
        res.json({{"hello", req.param("name")}});
    });
    // The hello route behind the session middleware (the benchmark's http_hello_session row: what a session costs).
    // The first visit stores the name in a new session; later visits with its cookie load it, touch it and re-send
    // the cookie (rolling). The secret is made at start-up: sessions live in this process's memory anyway.
    std::random_device os_random;
    app.use("/api/session", duplex::session({.secrets = {std::to_string(os_random()) + std::to_string(os_random()) +
                                                         std::to_string(os_random()) + std::to_string(os_random())}}));
    app.get("/api/session/hello/:name", [](duplex::Request& req, duplex::Response& res) {
        nlohmann::json& session = req.session();
        if (!session.contains("name")) session["name"] = req.param("name");
        res.json({{"hello", req.param("name")}});
    });
    app.post("/api/echo", duplex::body::json({.limit = 1 << 20}),
             [](duplex::Request& req, duplex::Response& res) { res.json(req.json()); });
    app.get("/api/stats", [&](duplex::Request&, duplex::Response& res) {
        res.json({{"http_requests", http_requests},
                  {"ws_connections", wss.connection_count()},
                  {"ws_messages", ws_messages}});
    });
    // Compression for the page's files (br, gzip or deflate, kept coded in the file cache); after the API routes,
    // whose answers are a few bytes, so they never meet it.
    app.use(duplex::compression());
    app.use(duplex::serve_static(opt.static_dir));
    // API errors (invalid JSON, body too large, ...) as JSON, as the contract says.
    app.use_error("/api", [](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
        res.status(e.status()).json({{"error", e.status() >= 500 ? "Internal Server Error" : e.message()}});
    });

    wss.route("/ws", {
        .onopen = [](duplex::WebSocket& ws, const duplex::Request&) {
            ws.subscribe("chat");
            ws.send("world");
        },
        .onmessage = [&](duplex::WebSocket&, const duplex::Message& m) {
            ++ws_messages;
            if (!m.binary) wss.publish("chat", m.data);
        },
    });
    wss.route("/echo", {
        .onmessage = [&](duplex::WebSocket& ws, const duplex::Message& m) {
            ++ws_messages;
            ws.send(m);
        },
        .options = {.permessage_deflate = true},
    });

    const duplex::TlsOptions tls{.cert_file = opt.tls_cert, .key_file = opt.tls_key};
    const bool secure = tls.enabled();
    if (int rc = app.listen({.host = opt.host, .port = opt.http_port, .tls = tls}); rc != 0) {
        std::fprintf(stderr, "demo: cannot listen on %s:%d for HTTP: %s\n", opt.host.c_str(), opt.http_port,
                     app.listen_error().empty() ? duplex::error_text(rc).c_str() : app.listen_error().c_str());
        return 2;
    }
    if (int rc = wss.listen({.host = opt.host, .port = opt.ws_port, .tls = tls}); rc != 0) {
        std::fprintf(stderr, "demo: cannot listen on %s:%d for WebSocket: %s\n", opt.host.c_str(), opt.ws_port,
                     wss.listen_error().empty() ? duplex::error_text(rc).c_str() : wss.listen_error().c_str());
        return 2;
    }
    std::printf("HTTP listening on %s://%s:%d\n", secure ? "https" : "http", demo::url_host(opt.host).c_str(),
                app.port());
    std::printf("WebSocket listening on %s://%s:%d\n", secure ? "wss" : "ws", demo::url_host(opt.host).c_str(),
                wss.port());
    if (secure) {
        // A renewed certificate is taken without a restart: new handshakes get it, open connections keep theirs.
        loop.on_signal({SIGHUP}, [&](int) {
            if (app.reload_tls() == 0 && wss.reload_tls() == 0) std::fputs("demo: TLS certificate reloaded\n", stderr);
            else std::fprintf(stderr, "demo: TLS reload failed: %s\n",
                              (app.listen_error().empty() ? wss.listen_error() : app.listen_error()).c_str());
        });
    }
    std::fflush(stdout);

    loop.on_signal({SIGINT, SIGTERM}, [&](int) {
        app.close();
        wss.close(duplex::CloseCode::GoingAway);
    });
    return loop.run();
}
