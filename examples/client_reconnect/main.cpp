// client_reconnect: a WebSocket client that stays connected. When the connection fails or drops, it waits and
// connects again; each failed attempt in a row doubles the wait, up to a cap, and a random jitter spreads the
// retries of many clients apart (so that a restarted server is not hit by all of them at the same instant).
// It prints every readyState it sees, every message, and every planned retry.
//
//   build/examples/client_reconnect/client_reconnect --port 8080 --path /ws
//   (against the demo: build/apps/demo/demo serves /ws on 8080 and greets each connection with "world")
//
// Flags: --port N (the server's port, default 8080), --path P (default /ws), --base-ms N (first wait, default 250),
// --max-ms N (the cap, default 8000). Ctrl-C closes the connection and ends the program.
#include <duplex/duplex.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

struct Args {
    int port = 8080;
    std::string path = "/ws";
    std::uint64_t base_ms = 250;
    std::uint64_t max_ms = 8000;
};

template <class T>
bool parse_number(std::string_view v, T& out) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && end == v.data() + v.size();
}

// Flags come in pairs ("--port 8080"); false when the command line is wrong.
bool parse_args(int argc, char** argv, Args& a) {
    return examples::parse_flags(argc, argv, [&](std::string_view flag, std::string_view v) {
        return flag == "--port"      ? examples::parse_port(v, a.port) && a.port > 0
               : flag == "--path"    ? (a.path = v, !v.empty() && v[0] == '/')
               : flag == "--base-ms" ? parse_number(v, a.base_ms) && a.base_ms > 0
               : flag == "--max-ms"  ? parse_number(v, a.max_ms)
                                     : false;
    }) && a.max_ms >= a.base_ms;
}

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);  // a test (or a pipe) reads these lines as they come
}

// Capped exponential backoff with "equal jitter": the n-th wait in a row is drawn from [ceiling/2, ceiling],
// where ceiling = min(max, base * 2^n). Half of it is random (spreading clients apart), half is fixed (so no
// client ever retries in a tight loop).
class Backoff {
public:
    Backoff(std::uint64_t base_ms, std::uint64_t max_ms) : base_ms_(base_ms), max_ms_(max_ms) {}
    std::uint64_t ceiling_ms() const {
        std::uint64_t c = base_ms_;
        for (unsigned i = 0; i < failures_ && c < max_ms_; ++i) c *= 2;
        return std::min(c, max_ms_);
    }
    std::uint64_t next_delay_ms() {
        std::uint64_t c = ceiling_ms();
        ++failures_;
        return std::uniform_int_distribution<std::uint64_t>(c / 2, c)(rng_);
    }
    unsigned failures() const { return failures_; }
    void reset() { failures_ = 0; }  // after a successful open

private:
    std::uint64_t base_ms_, max_ms_;
    unsigned failures_ = 0;
    std::mt19937_64 rng_{std::random_device{}()};
};

// Owns the retry loop. duplex::connect returns a handle at once (CONNECTING); the connection then opens or fails,
// and in both cases onclose ends it: that is the one place a retry is planned.
class Reconnector {
public:
    Reconnector(duplex::EventLoop& loop, std::string url, Backoff backoff)
        : loop_(loop), url_(std::move(url)), backoff_(backoff) {}

    void start() {
        say("readyState CONNECTING");
        ws_ = duplex::connect(loop_, url_, {
            .onopen = [this](duplex::WebSocket& ws) {
                say("readyState OPEN");
                backoff_.reset();
                ws.send("hello from client_reconnect");
            },
            .onmessage = [](duplex::WebSocket&, const duplex::Message& m) {
                say("message: " + (m.binary ? std::to_string(m.data.size()) + " bytes" : std::string(m.data)));
            },
            // Ends every connection, opened or failed: the one place a retry is planned.
            .onclose = [this](duplex::WebSocket&, const duplex::CloseEvent& ev) {
                say("readyState CLOSED code " + std::to_string(ev.code) + (ev.was_clean ? " clean" : " unclean"));
                if (!stopping_) retry_later();
            },
            // Why a connection failed; always followed by onclose.
            .onerror = [](duplex::WebSocket&, const duplex::Error& e) { say("error: " + e.message()); },
            .connect_timeout = std::chrono::seconds(5),
            .handshake_timeout = std::chrono::seconds(5),
            // A server that vanished without closing (power loss, a dropped link) is noticed by silence: after
            // idle_timeout without a byte, the client pings, and closes (1006) if nothing comes back.
            .options = {.idle_timeout = std::chrono::seconds(30)},
        });
    }

    // Ctrl-C: no more retries; close the connection (or cancel the pending retry), and run() returns.
    void stop() {
        stopping_ = true;
        loop_.clear_timer(retry_);
        ws_.close(duplex::CloseCode::Normal, "bye");
    }

private:
    void retry_later() {
        std::uint64_t ceiling = backoff_.ceiling_ms(), delay = backoff_.next_delay_ms();
        say("retry " + std::to_string(backoff_.failures()) + " in " + std::to_string(delay) + " ms (ceiling " +
            std::to_string(ceiling) + " ms)");
        retry_ = loop_.set_timeout(std::chrono::milliseconds(delay), [this] { start(); });
    }

    duplex::EventLoop& loop_;
    std::string url_;
    Backoff backoff_;
    duplex::WebSocket ws_;  // a handle: safe to keep and to call after the connection is gone (no-op)
    duplex::TimerId retry_ = 0;
    bool stopping_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, args)) {
        std::fputs("usage: client_reconnect [--port N] [--path /ws] [--base-ms 250] [--max-ms 8000]\n", stderr);
        return 2;
    }
    duplex::EventLoop loop;
    std::string url = "ws://127.0.0.1:" + std::to_string(args.port) + args.path;
    say("connecting to " + url);
    Reconnector client(loop, url, Backoff(args.base_ms, args.max_ms));
    client.start();
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { client.stop(); });
    return loop.run();  // returns once stopped: no connection and no timer left
}
