// The WebSocket API contract (design.md "Lifetime"): ready_state through the lifecycle, onclose exactly once
// with the RFC's code / reason / was_clean, onerror always followed by onclose, handles kept past the close
// (send returns Closed, nothing crashes), per-connection data and url, the same-port upgrade of app.ws, and
// the graceful close of both servers (1001 to every client, within the bound).
#include "support/server_thread.h"
#include "support/ws_event_log.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <stdexcept>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

using duplex::ReadyState;

// What the /life route observed, written on the loop thread.
struct Observed {
    std::mutex mutex;
    std::vector<duplex::WebSocket> kept;  // every handle, kept past its connection's end
    std::vector<ReadyState> states;       // in onopen, right after close(), in onclose
    duplex::SendResult send_while_closing = duplex::SendResult::Queued;
    duplex::SendResult send_in_onclose = duplex::SendResult::Queued;
};

duplex::WsRoute life_route(Observed& seen) {
    return {
        .onopen = [&seen](duplex::WebSocket& ws, const duplex::Request&) {
            std::lock_guard<std::mutex> lock(seen.mutex);
            seen.kept.push_back(ws);
            seen.states.push_back(ws.ready_state());
            *ws.data() = std::string("data of ") + ws.url();
        },
        .onmessage = [&seen](duplex::WebSocket& ws, const duplex::Message& m) {
            if (m.data == "close") {
                ws.close(4002, "asked");
                std::lock_guard<std::mutex> lock(seen.mutex);
                seen.states.push_back(ws.ready_state());
                seen.send_while_closing = ws.send("too late");
            } else if (m.data == "terminate") {
                ws.terminate();
            } else if (m.data == "throw") {
                throw std::runtime_error("handler failure");
            } else if (m.data == "data") {
                ws.send(std::any_cast<std::string>(*ws.data()));
            } else {
                ws.send(m);
            }
        },
        .onclose = [&seen](duplex::WebSocket& ws, const duplex::CloseEvent&) {
            std::lock_guard<std::mutex> lock(seen.mutex);
            seen.states.push_back(ws.ready_state());
            seen.send_in_onclose = ws.send("after the end");
        },
    };
}

struct LifeServer {
    Observed seen;
    WsEventLog log;
    ServerThread server{[this](duplex::App& app, duplex::WsServer& wss) {
        duplex::WsRoute r = life_route(seen);
        log.attach(r);
        wss.route("/life", r);
        app.ws("/live", std::move(r));
        app.get("/hello", [](duplex::Request&, duplex::Response& res) { res.send("hi"); });
    }};
};

}  // namespace

TEST_SUITE("ws lifecycle") {
TEST_CASE("ready_state goes OPEN, CLOSING, CLOSED; sends after OPEN return Closed") {
    LifeServer s;
    WsRawClient c(s.server.ws_port());
    REQUIRE(c.open("/life?a"));
    REQUIRE(c.send_text("close"));
    auto f = c.read_frame();  // "too late" must not have been sent before the Close
    REQUIRE(f);
    CHECK(f->opcode == op::close);
    CHECK(f->close_code() == 4002);
    CHECK(f->close_reason() == "asked");
    REQUIRE(c.send_frame(close_payload(4002), {.opcode = op::close}));
    CHECK(c.wait_closed(2s));
    c.raw().close();  // the server waits for our end of TCP before the connection is over
    auto r = s.log.wait_closed("/life?a");
    REQUIRE(r);
    CHECK(r->was_clean);
    std::lock_guard<std::mutex> lock(s.seen.mutex);
    CHECK(s.seen.states == std::vector<ReadyState>{ReadyState::Open, ReadyState::Closing, ReadyState::Closed});
    CHECK(s.seen.send_while_closing == duplex::SendResult::Closed);
    CHECK(s.seen.send_in_onclose == duplex::SendResult::Closed);
}

TEST_CASE("a handle kept after the close is inert: CLOSED, send returns Closed, no crash") {
    LifeServer s;
    {
        WsRawClient c(s.server.ws_port());
        REQUIRE(c.open("/life?kept"));
        REQUIRE(c.send_text("data"));
        CHECK(c.read_message() == "data of /life?kept");
        c.raw().reset();
    }
    REQUIRE(s.log.wait_closed("/life?kept"));
    // The calls run on the loop thread (the handle's rule); their results are checked here.
    struct Results {
        std::size_t kept = 0;
        std::uint64_t id = 0;
        ReadyState state = ReadyState::Open;
        duplex::SendResult text = duplex::SendResult::Queued, binary = text, ping = text, empty_send = text;
        std::size_t buffered = 1;
        bool subscribed = true;
        bool has_data = true;
        ReadyState empty_state = ReadyState::Open;
        std::uint64_t empty_id = 1;
    } got;
    bool ran = s.server.run_on_loop([&] {
        std::lock_guard<std::mutex> lock(s.seen.mutex);
        got.kept = s.seen.kept.size();
        if (got.kept != 1) return;
        duplex::WebSocket ws = s.seen.kept[0];
        got.id = ws.id();
        got.state = ws.ready_state();
        got.text = ws.send("x");
        got.binary = ws.send_binary("x");
        got.ping = ws.ping();
        got.buffered = ws.buffered_amount();
        got.subscribed = ws.subscribe("t");
        got.has_data = ws.data() != nullptr;
        ws.close();
        ws.terminate();
        duplex::WebSocket empty;
        got.empty_id = empty.id();
        got.empty_state = empty.ready_state();
        got.empty_send = empty.send("x");
    });
    REQUIRE(ran);
    REQUIRE(got.kept == 1);
    CHECK(got.id != 0);
    CHECK(got.state == ReadyState::Closed);
    CHECK(got.text == duplex::SendResult::Closed);
    CHECK(got.binary == duplex::SendResult::Closed);
    CHECK(got.ping == duplex::SendResult::Closed);
    CHECK(got.buffered == 0);
    CHECK_FALSE(got.subscribed);
    CHECK_FALSE(got.has_data);  // freed with the connection
    CHECK(got.empty_id == 0);
    CHECK(got.empty_state == ReadyState::Closed);
    CHECK(got.empty_send == duplex::SendResult::Closed);
    CHECK(s.log.violations() == "");
}

TEST_CASE("url() is the request target: the bare route path, a query, on both ports") {
    // Sessions on the route's exact path share the route's copy of it; any other target is kept per session.
    LifeServer s;
    struct Case {
        int port;
        std::string target;
    };
    for (const Case& k : {Case{s.server.ws_port(), "/life"}, Case{s.server.ws_port(), "/life?room=a%20b"},
                          Case{s.server.http_port(), "/live"}, Case{s.server.http_port(), "/live?x"}}) {
        CAPTURE(k.target);
        WsRawClient c(k.port);
        REQUIRE(c.open(k.target));
        REQUIRE(c.send_text("data"));
        CHECK(c.read_message() == "data of " + k.target);
    }
}

TEST_CASE("onclose runs exactly once on every close path, onerror always before it") {
    LifeServer s;
    const int port = s.server.ws_port();
    struct Path {
        std::string url;
        std::string bytes;           // what the client sends after opening
        bool answer_close;           // echo the server's Close
        std::uint16_t code;          // expected onclose code
        bool clean;
        int errors;                  // expected onerror calls, -1: not specified by the contract
    };
    const std::vector<Path> paths = {
        {"/life?client-close", ws_frame(close_payload(1000, "done"), {.opcode = op::close}), false, 1000, true, 0},
        {"/life?server-close", ws_frame("close"), true, 4002, true, 0},
        {"/life?terminate", ws_frame("terminate"), false, 1006, false, -1},
        {"/life?protocol-error", ws_frame("x", {.masked = false}), false, 1002, false, 1},
        {"/life?handler-throws", ws_frame("throw"), false, 1011, false, 1},
        {"/life?cut", "", false, 1006, false, -1},
    };
    for (const Path& p : paths) {
        CAPTURE(p.url);
        WsRawClient c(port);
        REQUIRE(c.open(p.url));
        if (!p.bytes.empty()) REQUIRE(c.send(p.bytes));
        if (p.answer_close) {
            auto f = c.read_close();
            REQUIRE(f);
            REQUIRE(c.send_frame(close_payload(f->close_code()), {.opcode = op::close}));
        }
        if (p.bytes.empty()) c.raw().reset();
        else CHECK(c.wait_closed(2s));
        c.raw().close();
        auto r = s.log.wait_closed(p.url);
        REQUIRE(r);
        CHECK(r->code == p.code);
        CHECK(r->was_clean == p.clean);
        if (p.errors >= 0) CHECK(r->errors == p.errors);
    }
    std::this_thread::sleep_for(100ms);  // room for a wrong second onclose
    CHECK(s.log.closed() == paths.size());
    CHECK(s.log.violations() == "");
}

TEST_CASE("app.ws upgrades on the HTTP port, next to ordinary routes") {
    LifeServer s;
    const int port = s.server.http_port();
    WsRawClient c(port);
    auto r = c.handshake("/live?same-port");
    REQUIRE(r);
    CHECK(r->status == 101);
    CHECK(r->header("sec-websocket-accept") == kSampleAccept);
    REQUIRE(c.send_text("over http"));
    CHECK(c.read_message() == "over http");
    auto hello = http_request(port, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(hello);
    CHECK(hello->status == 200);
    CHECK(hello->body == "hi");
    WsRawClient other(port);
    auto unknown = other.handshake("/elsewhere");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
}

TEST_CASE("graceful close sends 1001 to every client and returns within the bound") {
    WsEventLog log;
    ServerThread server([&](duplex::App& app, duplex::WsServer& wss) {
        duplex::WsRoute r{.options = {.close_timeout = 300ms}};
        log.attach(r);
        wss.route("/a", r);
        app.ws("/b", std::move(r));
    });
    WsRawClient on_wss(server.ws_port()), on_app(server.http_port()), deaf(server.ws_port());
    REQUIRE(on_wss.open("/a?answers"));
    REQUIRE(on_app.open("/b?answers"));
    REQUIRE(deaf.open("/a?deaf"));
    const auto start = std::chrono::steady_clock::now();
    auto stopped = std::async(std::launch::async, [&] { return server.stop(5000ms); });
    for (WsRawClient* c : {&on_wss, &on_app}) {
        auto f = c->read_close(2s);
        REQUIRE(f);
        CHECK(f->close_code() == 1001);
        REQUIRE(c->send_frame(close_payload(1001), {.opcode = op::close}));
        CHECK(c->wait_closed(2s));
        c->raw().close();
    }
    auto f = deaf.read_close(2s);  // read, never answered
    REQUIRE(f);
    CHECK(f->close_code() == 1001);
    CHECK(stopped.get());
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    for (const char* url : {"/a?answers", "/b?answers"}) {
        auto r = log.wait_closed(url);
        REQUIRE(r);
        CHECK(r->code == 1001);
        CHECK(r->was_clean);
    }
    auto d = log.wait_closed("/a?deaf");
    REQUIRE(d);
    CHECK(d->code == 1006);
    CHECK_FALSE(d->was_clean);
}
}
