// multicore: one App per core on one port (duplex::Cluster), with a chat that reaches every client whatever
// thread holds it, and the counters of every thread summed.
//
//   ws://127.0.0.1:PORT/chat        greets {"type": "hello", "thread": T}; every text sent is published to all
//                                   clients on all threads as {"type": "message", "from": T, "text": ...}
//   GET /whoami                     {"thread": T, "threads": N}: which thread answered this connection
//   GET /stats                      {"threads": N, "messages": M, "ws_connections": C, "per_thread": [...]}
//
//   build/examples/multicore/multicore --port 3000 [--threads N] [--handoff]
//   (--threads: loop threads, default one per core; --handoff: thread 0 accepts and deals the connections out in
//   turn instead of SO_REUSEPORT, the fallback for systems that refuse it)
#include <duplex/duplex.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace {

struct Flags {
    int port = 3000;
    unsigned threads = 0;  // 0: one per core
    bool handoff = false;
};

bool parse_number(std::string_view v, auto& out, long max) {
    long n = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > max) return false;
    out = static_cast<std::remove_reference_t<decltype(out)>>(n);
    return true;
}

bool parse_flags(int argc, char** argv, Flags& f) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--handoff") f.handoff = true;
        else if (a == "--port" && i + 1 < argc) { if (!parse_number(argv[++i], f.port, 65535)) return false; }
        else if (a == "--threads" && i + 1 < argc) { if (!parse_number(argv[++i], f.threads, 1024)) return false; }
        else return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    if (!parse_flags(argc, argv, flags)) {
        std::fputs("usage: multicore [--port N] [--threads N] [--handoff]\n", stderr);
        return 2;
    }
    // SIGINT / SIGTERM stop every thread gracefully: WebSockets get 1001, then run() returns.
    duplex::Cluster cluster({.threads = flags.threads, .force_handoff = flags.handoff});
    // Shared between threads, so atomic: the threads run at the same time.
    std::atomic<std::uint64_t> messages{0};

    return cluster.run([&](duplex::Worker& w) -> int {
        // Everything below belongs to thread w.index(): built, called back and destroyed there.
        duplex::App app(w.loop());
        const unsigned me = w.index();

        app.ws("/chat", {
            .onopen = [me](duplex::WebSocket& ws, const duplex::Request&) {
                ws.subscribe("chat");
                ws.send(nlohmann::json{{"type", "hello"}, {"thread", me}}.dump());
            },
            .onmessage = [&w, &messages, me](duplex::WebSocket&, const duplex::Message& m) {
                if (m.binary) return;
                ++messages;
                // Framed once, then queued to the subscribers of every thread (the others in their own loop).
                w.publish("chat", nlohmann::json{{"type", "message"}, {"from", me}, {"text", m.data}}.dump());
            },
        });
        app.get("/whoami", [&w](duplex::Request&, duplex::Response& res) {
            res.json({{"thread", w.index()}, {"threads", w.count()}});
        });
        // Each thread reports its own counters on its own loop; the answer goes out here once all have.
        app.get("/stats", [&w, &messages](duplex::Request&, duplex::Response& res) {
            struct Round {
                std::mutex m;
                std::vector<duplex::ThreadStats> threads;
            };
            auto round = std::make_shared<Round>();
            w.on_every_thread([round](duplex::Worker& t) {
                std::lock_guard<std::mutex> lock(round->m);
                round->threads.push_back(t.stats());
            }, [round, res, &w, &messages]() mutable {
                nlohmann::json per_thread = nlohmann::json::array();
                std::uint64_t ws = 0;
                for (const duplex::ThreadStats& t : round->threads) {
                    ws += t.ws_connections;
                    per_thread.push_back({{"thread", t.thread}, {"ws_connections", t.ws_connections},
                                          {"requests", t.requests}});
                }
                res.json({{"threads", w.count()}, {"messages", messages.load()}, {"ws_connections", ws},
                          {"per_thread", per_thread}});
            });
        });

        if (int rc = w.listen(app, {.host = "127.0.0.1", .port = flags.port}); rc != 0) {
            std::fprintf(stderr, "multicore: cannot listen on port %d: %s\n", flags.port, duplex::error_text(rc).c_str());
            return 1;
        }
        if (me == 0) {
            std::printf("listening on http://127.0.0.1:%d with %u threads%s\n", app.port(), w.count(),
                        w.cluster().handing_off() ? " (hand-off)" : "");
            std::fflush(stdout);
        }
        return w.run();
    });
}
