// Graceful shutdown under load: 500 HTTP requests in flight (answers still being prepared) and 300
// WebSockets open on both servers. Every request already received is answered, every WebSocket is closed
// with 1001 and its onclose fires once, and the server thread ends by itself well within its bound.
#include "support/conn_swarm.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <memory>
#include <vector>

using namespace testing_support;

TEST_SUITE("stress_shutdown") {

TEST_CASE("shutdown under load: in-flight requests answered, WebSockets closed with 1001, the loop ends") {
    constexpr std::size_t http_peers = 500, ws_peers = 150;  // WebSockets on each of the two servers
    std::atomic<int> received{0}, ws_closed{0}, ws_going_away{0};
    auto on_close = [&](duplex::WebSocket&, const duplex::CloseEvent& ev) {
        if (ev.code == duplex::CloseCode::GoingAway && ev.was_clean) ++ws_going_away;
        ++ws_closed;
    };
    ServerThread server([&](duplex::App& app, duplex::WsServer& wss) {
        duplex::EventLoop& loop = app.loop();
        // The answer takes 300 ms to prepare: shutdown starts while all of them are pending.
        app.get("/job/:i", [&](duplex::Request& req, duplex::Response& res) {
            ++received;
            std::string body = "done " + std::string(req.param("i"));
            loop.set_timeout(300ms, [res, body]() mutable { res.send(body); });
        });
        app.ws("/ws", {.onclose = on_close});
        wss.route("/ws", {.onclose = on_close});
    });
    REQUIRE(server.http_port() > 0);
    REQUIRE(server.ws_port() > 0);
    auto base = begin_load();

    std::vector<std::unique_ptr<WsRawClient>> sockets;
    for (int port : {server.http_port(), server.ws_port()})
        for (std::size_t i = 0; i < ws_peers; ++i) {
            sockets.push_back(std::make_unique<WsRawClient>(port));
            REQUIRE(sockets.back()->open("/ws"));
        }
    ConnSwarm swarm;
    REQUIRE(swarm.open(server.http_port(), http_peers) == http_peers);
    CHECK(swarm.send_all("GET /job/7 HTTP/1.1\r\nHost: x\r\n\r\n") == http_peers);
    REQUIRE(wait_until([&] { return received == static_cast<int>(http_peers); }));

    auto start = std::chrono::steady_clock::now();
    auto stopped = std::async(std::launch::async, [&] { return server.stop(10s); });
    // Each WebSocket reads the server's Close (1001) and answers it, then closes TCP once the server has, as
    // a browser would; HTTP clients close once their answer and the server's end have arrived.
    int going_away_frames = 0, tcp_closed = 0;
    for (auto& ws : sockets) {
        auto close = ws->read_close(5s);
        if (close && close->close_code() == duplex::CloseCode::GoingAway) ++going_away_frames;
        ws->send_frame(close_payload(duplex::CloseCode::GoingAway), {.opcode = op::close});
    }
    for (auto& ws : sockets) {
        if (ws->wait_closed(5s)) ++tcp_closed;
        ws->raw().close();
    }
    CHECK(swarm.wait_all_closed(5s) == http_peers);
    std::vector<std::string> answers;
    for (std::size_t i = 0; i < http_peers; ++i) answers.push_back(std::move(swarm.buffer(i)));
    swarm.close_all();
    bool clean = stopped.get();
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    MESSAGE("shutdown under load took " << took.count() << " ms");
    CHECK(clean);
    CHECK(took < 3s);  // answers take 300 ms; the shutdown bound (5 s) is not what ended it

    int answered = 0;
    for (const std::string& got : answers) {
        if (got.rfind("HTTP/1.1 200 ", 0) == 0 && got.size() >= 6 && got.compare(got.size() - 6, 6, "done 7") == 0)
            ++answered;
    }
    CHECK(answered == static_cast<int>(http_peers));
    CHECK(going_away_frames == static_cast<int>(2 * ws_peers));
    CHECK(tcp_closed == static_cast<int>(2 * ws_peers));
    CHECK(ws_closed == static_cast<int>(2 * ws_peers));
    CHECK(ws_going_away == static_cast<int>(2 * ws_peers));
    sockets.clear();
    expect_back_to_baseline(base, "shutdown under load");
}

}  // TEST_SUITE
