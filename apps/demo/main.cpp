// The duplex demo: the seed's classic setup in one process, on one loop thread or (--threads N) on N of them
// sharing the ports (duplex::Cluster: the chat reaches every client whatever thread holds it, /api/stats sums).
//   HTTP on 3000: the demo page (static/), /api/hello/:name, /api/echo, /api/stats, /metrics (Prometheus),
//                 /metrics.json, /dashboard and its live feed /metrics/live (a WebSocket topic, once a second).
//   With --tls-cert/--tls-key both speak TLS (https, wss); SIGHUP reloads the certificate.
//   WebSocket on 8080: /ws greets "world" and broadcasts every text message to all /ws clients (and, with
//                      --redis, to those of every demo on that Redis); /echo echoes every message
//                      (permessage-deflate offered).
// The exact behaviour is the demo contract (shared with tests and benchmarks).
#include "demo_options.h"
#include "metrics_feed.h"

#include <duplex/access_log.h>
#include <duplex/compression.h>
#include <duplex/duplex.h>
#include <duplex/static_files.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace {

// One thread's counters, touched only by that thread (a cache line each: the threads never share one).
struct alignas(64) Counters {
    std::uint64_t http_requests = 0, ws_messages = 0;
};

// /api/stats: every thread's counters, summed as each thread reports on its own loop.
struct StatsRound {
    std::atomic<std::uint64_t> http_requests{0}, ws_messages{0}, ws_connections{0};
    std::vector<duplex::ThreadStats> threads;
    std::atomic_flag lock = ATOMIC_FLAG_INIT;
};

void stats(duplex::Worker& w, std::vector<Counters>& counters, duplex::Response res) {
    auto round = std::make_shared<StatsRound>();
    w.on_every_thread([round, &counters](duplex::Worker& t) {
        const duplex::ThreadStats s = t.stats();
        round->http_requests += counters[t.index()].http_requests;
        round->ws_messages += counters[t.index()].ws_messages;
        round->ws_connections += s.ws_connections;
        while (round->lock.test_and_set(std::memory_order_acquire)) {}
        round->threads.push_back(s);
        round->lock.clear(std::memory_order_release);
    }, [round, res]() mutable {
        nlohmann::json threads = nlohmann::json::array();
        for (const duplex::ThreadStats& s : round->threads)
            threads.push_back({{"thread", s.thread}, {"connections", s.connections},
                               {"ws_connections", s.ws_connections}, {"requests", s.requests}});
        res.json({{"http_requests", round->http_requests.load()},
                  {"ws_connections", round->ws_connections.load()},
                  {"ws_messages", round->ws_messages.load()},
                  {"threads", threads}});
    });
}

// --redis: one bridge per thread (its own connections to Redis); thread 0 reports its state.
std::unique_ptr<duplex::RedisBridge> bridge(duplex::Worker& w, duplex::WsServer& wss, const std::string& url) {
    return std::make_unique<duplex::RedisBridge>(wss, duplex::RedisBridgeOptions{
        .url = url,
        .on_state = [report = w.index() == 0](const duplex::RedisStatus& s) {
            if (!report) return;
            if (s.state == duplex::RedisState::Connected) {
                std::printf("Redis connected\n");
                std::fflush(stdout);
            } else if (s.state == duplex::RedisState::Reconnecting) {
                std::fprintf(stderr, "demo: Redis unavailable (%s); retrying in %lld ms\n", s.reason.c_str(),
                             static_cast<long long>(s.retry_in.count()));
            }
        },
    });
}

// Each thread's servers, for what runs on every thread (SIGHUP's certificate reload).
struct Servers {
    duplex::App* app = nullptr;
    duplex::WsServer* wss = nullptr;
};

void reload_tls(duplex::Worker& w, std::vector<Servers>& servers) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    w.on_every_thread([&servers, failures](duplex::Worker& t) {
        const Servers& s = servers[t.index()];
        if (!s.app || s.app->reload_tls() != 0 || s.wss->reload_tls() != 0) {
            std::fprintf(stderr, "demo: TLS reload failed on thread %u: %s\n", t.index(),
                         (s.app && !s.app->listen_error().empty() ? s.app->listen_error()
                          : s.wss ? s.wss->listen_error() : std::string("not listening")).c_str());
            ++*failures;
        }
    }, [failures] {
        if (*failures == 0) std::fputs("demo: TLS certificate reloaded\n", stderr);
    });
}

}  // namespace

int main(int argc, char** argv) {
    demo::Options opt;
    if (int rc = demo::parse_options(argc, argv, opt); rc >= 0) return rc;
    // Checked here, once: serve_static would throw on every thread, and the message would not name the flag.
    if (std::error_code ec; !std::filesystem::is_directory(opt.static_dir, ec)) {
        std::fprintf(stderr, "demo: no static directory '%s' (the page's files): point --static DIR at it\n",
                     opt.static_dir.c_str());
        return 2;
    }

    duplex::Cluster cluster({.threads = opt.threads});  // SIGINT/SIGTERM: every server closes gracefully
    std::vector<Counters> counters(cluster.thread_count());
    std::vector<Servers> servers(cluster.thread_count());
    // One session middleware (secret and MemoryStore, which locks) for every thread: a session made on one thread
    // is read on any other. The secret is made at start-up: sessions live in this process's memory anyway.
    std::random_device os_random;
    const auto sessions = duplex::session({.secrets = {std::to_string(os_random()) + std::to_string(os_random()) +
                                                       std::to_string(os_random()) + std::to_string(os_random())}});
    return cluster.run([&](duplex::Worker& w) -> int {
        duplex::App app(w.loop());
        duplex::WsServer wss(w.loop());
        Counters& mine = counters[w.index()];

        // One tiny-format line per response (method, URL, status, bytes, time), batched per loop turn.
        if (!opt.quiet) app.use(duplex::access_log({.format = duplex::AccessLogFormat::tiny}));
        app.use([&](duplex::Request&, duplex::Response&, duplex::Next next) {
            ++mine.http_requests;
            next();
        });
        app.get("/api/hello/:name", [](duplex::Request& req, duplex::Response& res) {
            res.json({{"hello", req.param("name")}});
        });
        // The hello route behind the session middleware (the benchmark's http_hello_session row: what a session
        // costs). The first visit stores the name in a new session; later visits with its cookie load it, touch it
        // and re-send the cookie (rolling).
        app.use("/api/session", sessions);
        app.get("/api/session/hello/:name", [](duplex::Request& req, duplex::Response& res) {
            nlohmann::json& session = req.session();
            if (!session.contains("name")) session["name"] = req.param("name");
            res.json({{"hello", req.param("name")}});
        });
        app.post("/api/echo", duplex::body::json({.limit = 1 << 20}),
                 [](duplex::Request& req, duplex::Response& res) { res.json(req.json()); });
        app.get("/api/stats", [&](duplex::Request&, duplex::Response& res) { stats(w, counters, res); });
        // Compression for the page's files (br, gzip or deflate, kept coded in the file cache); after the API
        // routes, whose answers are a few bytes, so they never meet it.
        app.use(duplex::compression());
        app.use(duplex::serve_static(opt.static_dir));
        // Metrics of every server on every thread, summed: what Prometheus scrapes, the same as JSON, and the
        // dashboard's feed. After the page's files: a scrape a few times a minute may pay the static lookup, the
        // page's requests then never pay for these routes.
        app.get("/metrics", w.metrics_endpoint());
        app.get("/metrics.json", w.metrics_endpoint(duplex::MetricsFormat::json));
        demo::serve_metrics_feed(w, app, opt.static_dir);
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
                ++mine.ws_messages;
                if (!m.binary) w.publish("chat", m.data);  // every thread's /ws clients (and Redis's)
            },
        });
        wss.route("/echo", {
            .onmessage = [&](duplex::WebSocket& ws, const duplex::Message& m) {
                ++mine.ws_messages;
                ws.send(m);
            },
            .options = {.permessage_deflate = true},
        });

        std::unique_ptr<duplex::RedisBridge> redis;
        if (!opt.redis_url.empty()) {
            try {
                redis = bridge(w, wss, opt.redis_url);
            } catch (const std::invalid_argument& e) {
                std::fprintf(stderr, "demo: %s\n", e.what());
                return 2;
            }
        }

        // --tls-cert / --tls-key: https and wss on the same ports.
        const duplex::TlsOptions tls{.cert_file = opt.tls_cert, .key_file = opt.tls_key};
        const bool secure = tls.enabled();
        if (int rc = w.listen(app, {.host = opt.host, .port = opt.http_port, .tls = tls}); rc != 0) {
            std::fprintf(stderr, "demo: cannot listen on %s:%d for HTTP: %s\n", opt.host.c_str(), opt.http_port,
                         app.listen_error().empty() ? duplex::error_text(rc).c_str() : app.listen_error().c_str());
            return 2;
        }
        if (int rc = w.listen(wss, {.host = opt.host, .port = opt.ws_port, .tls = tls}); rc != 0) {
            std::fprintf(stderr, "demo: cannot listen on %s:%d for WebSocket: %s\n", opt.host.c_str(), opt.ws_port,
                         wss.listen_error().empty() ? duplex::error_text(rc).c_str() : wss.listen_error().c_str());
            return 2;
        }
        servers[w.index()] = {&app, &wss};
        if (w.index() == 0) {
            // Ready once every thread listens: a client that connects on these lines may land on any of them.
            w.on_every_thread([](duplex::Worker&) {}, [&opt, &w, secure, http = app.port(), ws = wss.port()] {
                std::printf("HTTP listening on %s://%s:%d\n", secure ? "https" : "http",
                            demo::url_host(opt.host).c_str(), http);
                std::printf("WebSocket listening on %s://%s:%d\n", secure ? "wss" : "ws",
                            demo::url_host(opt.host).c_str(), ws);
                if (w.count() > 1) std::printf("%u loop threads\n", w.count());
                std::fflush(stdout);
            });
            // A renewed certificate is taken without a restart: new handshakes get it, open connections keep theirs.
            if (secure) w.loop().on_signal({SIGHUP}, [&](int) { reload_tls(w, servers); });
        }
        return w.run();
    });
}
