// Write and read errors injected at the socket layer (detail::SocketFaults): EPIPE, ECONNRESET and ENOBUFS on
// a write, ECONNRESET on a read, and short writes. The connection hit closes cleanly (its Response reports
// not connected, its WebSocket's onclose fires exactly once with 1006), every other connection is unaffected,
// and no descriptor leaks (memory leaks: LeakSanitizer in the ASan build).
#include "net/socket.h"
#include "support/health_probe.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/temp_dir.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <uv.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

using namespace testing_support;

namespace {

// Installs fault hooks on the server's loop thread for the scope of a test, and removes them after.
class FaultScope {
public:
    FaultScope(ServerThread& server, duplex::detail::SocketFaults faults) : server_(server), faults_(std::move(faults)) {
        server_.run_on_loop([this] { duplex::detail::set_socket_faults(&faults_); });
    }
    ~FaultScope() {
        server_.run_on_loop([] { duplex::detail::set_socket_faults(nullptr); });
    }
    FaultScope(const FaultScope&) = delete;
    FaultScope& operator=(const FaultScope&) = delete;

private:
    ServerThread& server_;
    duplex::detail::SocketFaults faults_;
};

// One write fault, fired by the first write whose length is in [from, to): the answer of the victim only.
duplex::detail::SocketFaults write_fault_once(std::shared_ptr<std::atomic<bool>> armed, std::size_t from,
                                              std::size_t to, int error) {
    return {.on_write = [=](std::size_t len) { return len >= from && len < to && armed->exchange(false) ? error : 0; }};
}

constexpr std::size_t victim_body = 12345;  // a length no other answer has

// The victim's Response, kept by the server to be checked after the fault.
struct Victim {
    std::optional<duplex::Response> res;  // loop thread only
    std::atomic<int> finished_incomplete{0};
};

void routes(duplex::App& app, Victim& victim) {
    app.get("/ping", [](duplex::Request&, duplex::Response& res) { res.send("pong"); });
    app.get("/victim", [&victim](duplex::Request&, duplex::Response& res) {
        victim.res = res;
        res.on_finish([&victim](bool completed) {
            if (!completed) ++victim.finished_incomplete;
        });
        res.write(std::string(victim_body, 'v'));
    });
    app.get("/big", [](duplex::Request&, duplex::Response& res) { res.send(pattern_bytes(1 << 20)); });
}

// onclose calls of a route, and how many of them were abnormal (1006, not clean). Written on the loop thread.
struct CloseCounts {
    std::atomic<int> closes{0}, abnormal{0};
    std::function<void(duplex::WebSocket&, const duplex::CloseEvent&)> onclose() {
        return [this](duplex::WebSocket&, const duplex::CloseEvent& ev) {
            ++closes;
            if (ev.code == duplex::CloseCode::Abnormal && !ev.was_clean) ++abnormal;
        };
    }
    // Exactly one close, abnormal, and no second one arriving late.
    void expect_one_abnormal() {
        CHECK(wait_until([&] { return closes == 1; }));
        std::this_thread::sleep_for(100ms);  // a second onclose would show up here
        CHECK(closes == 1);
        CHECK(abnormal == 1);
    }
};

}  // namespace

TEST_SUITE("faults_socket") {

TEST_CASE("EPIPE, ECONNRESET or ENOBUFS on a write: that connection closes, its Response is disconnected") {
    for (int error : {UV_EPIPE, UV_ECONNRESET, UV_ENOBUFS}) {
        CAPTURE(uv_err_name(error));
        Victim victim;
        ServerThread server([&](duplex::App& app, duplex::WsServer&) { routes(app, victim); }, {}, false);
        REQUIRE(server.http_port() > 0);
        HealthProbe probe(http_get_check(server.http_port(), "/ping", "pong"));
        REQUIRE(wait_until([&] { return probe.ok() > 0; }));
        int fds = open_fd_count();
        auto armed = std::make_shared<std::atomic<bool>>(true);
        {
            FaultScope faults(server, write_fault_once(armed, victim_body, victim_body + 1024, error));
            RawClient c(server.http_port());
            REQUIRE(c.send("GET /victim HTTP/1.1\r\nHost: x\r\n\r\n"));
            CHECK(c.wait_closed(5s));
            CHECK(c.buffer().empty());  // the failed write sent nothing
            CHECK_FALSE(armed->load());
        }
        CHECK(wait_until([&] { return victim.finished_incomplete == 1; }));
        bool connected = true;
        duplex::SendResult late = duplex::SendResult::Queued;
        REQUIRE(server.run_on_loop([&] {
            connected = victim.res->connected();
            late = victim.res->write("late");
            victim.res.reset();
        }));
        CHECK_FALSE(connected);
        CHECK(late == duplex::SendResult::Closed);
        CHECK(wait_until([&] { return probe.ok() > 3; }));  // still served after the fault
        CHECK(probe.failed() == 0);
        probe.stop();
        CHECK(wait_fd_count_at_most(fds) <= fds);
        CHECK(server.stop());
    }
}

TEST_CASE("short writes: every write cut to a third still delivers 1 MiB byte for byte, and a WebSocket echo") {
    Victim victim;
    ServerThread server([&](duplex::App& app, duplex::WsServer& wss) {
        routes(app, victim);
        wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
    });
    REQUIRE(server.http_port() > 0);
    std::atomic<int> short_writes{0};
    FaultScope faults(server, {.on_write = [&](std::size_t len) {
                                   ++short_writes;
                                   return static_cast<int>(std::max<std::size_t>(1, len / 3));
                               }});
    auto r = http_request(server.http_port(), "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == pattern_bytes(1 << 20));
    WsRawClient ws(server.ws_port());
    REQUIRE(ws.open("/echo"));
    const std::string payload = pattern_bytes(256 * 1024, 7);
    REQUIRE(ws.send_binary(payload));
    CHECK(ws.read_message() == payload);
    CHECK(short_writes >= 2);
}

TEST_CASE("ECONNRESET on a read: that connection closes, its WebSocket's onclose fires once with 1006") {
    CloseCounts counted;
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        wss.route("/echo", {
            .onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); },
            .onclose = counted.onclose(),
        });
    });
    REQUIRE(server.ws_port() > 0);
    WsRawClient healthy(server.ws_port()), victim(server.ws_port());
    REQUIRE(healthy.open("/echo"));
    REQUIRE(victim.open("/echo"));
    int fds = open_fd_count();
    auto armed = std::make_shared<std::atomic<bool>>(true);
    {
        // Only the victim sends while the fault is armed: the next read is its.
        FaultScope faults(server, {.on_read = [armed] { return armed->exchange(false) ? UV_ECONNRESET : 0; }});
        REQUIRE(victim.send_text("hello"));
        CHECK(victim.wait_closed(5s));
    }
    counted.expect_one_abnormal();
    REQUIRE(healthy.send_text("still here"));
    CHECK(healthy.read_message() == "still here");
    victim.raw().close();
    CHECK(wait_fd_count_at_most(fds - 2) <= fds - 2);  // the victim's two ends
}

TEST_CASE("EPIPE on a WebSocket send: onclose exactly once with 1006, the handle reports Closed") {
    constexpr std::size_t big = 7777;  // the victim's answer: a length no other frame has
    CloseCounts counted;
    std::optional<duplex::WebSocket> victim_handle;  // loop thread only
    ServerThread server([&](duplex::App&, duplex::WsServer& wss) {
        wss.route("/echo", {
            .onmessage = [&](duplex::WebSocket& ws, const duplex::Message& m) {
                if (m.data != "boom") {
                    ws.send(m);
                    return;
                }
                victim_handle = ws;
                ws.send(std::string(big, 'b'));
            },
            .onclose = counted.onclose(),
        });
    });
    REQUIRE(server.ws_port() > 0);
    WsRawClient healthy(server.ws_port()), victim(server.ws_port());
    REQUIRE(healthy.open("/echo"));
    REQUIRE(victim.open("/echo"));
    auto armed = std::make_shared<std::atomic<bool>>(true);
    {
        FaultScope faults(server, write_fault_once(armed, big, big + 16, UV_EPIPE));
        REQUIRE(victim.send_text("boom"));
        CHECK(victim.wait_closed(5s));
        CHECK_FALSE(armed->load());
    }
    counted.expect_one_abnormal();
    duplex::SendResult late = duplex::SendResult::Queued;
    duplex::ReadyState state = duplex::ReadyState::Open;
    REQUIRE(server.run_on_loop([&] {
        late = victim_handle->send("late");
        state = victim_handle->ready_state();
    }));
    CHECK(late == duplex::SendResult::Closed);
    CHECK(state == duplex::ReadyState::Closed);
    REQUIRE(healthy.send_text("still here"));
    CHECK(healthy.read_message() == "still here");
}

}  // TEST_SUITE
