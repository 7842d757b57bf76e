// The duplex demo: the seed's classic setup in one process and one loop.
//   HTTP on 3000: the demo page (static/), /api/hello/:name, /api/echo, /api/stats, /metrics (Prometheus),
//                 /metrics.json, /dashboard and its live feed /metrics/live (a WebSocket topic, once a second).
//   WebSocket on 8080: /ws greets "world" and broadcasts every text message to all /ws clients;
//                      /echo echoes every message (permessage-deflate offered).
// The exact behaviour is the demo contract (shared with tests and benchmarks).
#include "demo_options.h"
#include "metrics_feed.h"

#include <duplex/access_log.h>
#include <duplex/compression.h>
#include <duplex/duplex.h>
#include <duplex/static_files.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

int main(int argc, char** argv) {
    demo::Options opt;
    if (int rc = demo::parse_options(argc, argv, opt); rc >= 0) return rc;

    duplex::EventLoop loop;
    duplex::App app(loop);
    duplex::WsServer wss(loop);
    std::uint64_t http_requests = 0, ws_messages = 0;

    // One tiny-format line per response (method, URL, status, bytes, time), batched per loop turn.
    if (!opt.quiet) app.use(duplex::access_log({.format = duplex::AccessLogFormat::tiny}));
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
    // Metrics of both servers, summed: what Prometheus scrapes, the same as JSON, and the dashboard's feed.
    auto metrics = [&] {
        duplex::MetricsSnapshot snap = app.metrics().snapshot();
        snap.merge(wss.metrics().snapshot());
        return snap;
    };
    app.get("/metrics", duplex::metrics_endpoint(metrics));
    app.get("/metrics.json", duplex::metrics_endpoint(metrics, duplex::MetricsFormat::json));
    demo::serve_metrics_feed(app, opt.static_dir, metrics);
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

    // --redis: wss.publish("chat", ...) also reaches the /ws clients of every other demo on that Redis.
    std::unique_ptr<duplex::RedisBridge> redis;
    if (!opt.redis_url.empty()) {
        try {
            redis = std::make_unique<duplex::RedisBridge>(wss, duplex::RedisBridgeOptions{
                .url = opt.redis_url,
                .on_state = [](const duplex::RedisStatus& s) {
                    if (s.state == duplex::RedisState::Connected) {
                        std::printf("Redis connected\n");
                        std::fflush(stdout);
                    } else if (s.state == duplex::RedisState::Reconnecting) {
                        std::fprintf(stderr, "demo: Redis unavailable (%s); retrying in %lld ms\n", s.reason.c_str(),
                                     static_cast<long long>(s.retry_in.count()));
                    }
                },
            });
        } catch (const std::invalid_argument& e) {
            std::fprintf(stderr, "demo: %s\n", e.what());
            return 2;
        }
    }

    if (int rc = app.listen({.host = opt.host, .port = opt.http_port}); rc != 0) {
        std::fprintf(stderr, "demo: cannot listen on %s:%d for HTTP: %s\n", opt.host.c_str(), opt.http_port,
                     duplex::error_text(rc).c_str());
        return 2;
    }
    if (int rc = wss.listen({.host = opt.host, .port = opt.ws_port}); rc != 0) {
        std::fprintf(stderr, "demo: cannot listen on %s:%d for WebSocket: %s\n", opt.host.c_str(), opt.ws_port,
                     duplex::error_text(rc).c_str());
        return 2;
    }
    std::printf("HTTP listening on http://%s:%d\n", demo::url_host(opt.host).c_str(), app.port());
    std::printf("WebSocket listening on ws://%s:%d\n", demo::url_host(opt.host).c_str(), wss.port());
    std::fflush(stdout);

    loop.on_signal({SIGINT, SIGTERM}, [&](int) {
        app.close();
        wss.close(duplex::CloseCode::GoingAway);
    });
    return loop.run();
}
