// Bodies in motion through a real server: chunked request bodies (raw and curl), streamed chunked responses
// paced by backpressure to a slow reader, a peer that resets mid-stream (later writes are no-ops), and
// responses dropped unfinished (a logged 500 before the head, a cut connection after it).
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;

// Sends `total` bytes of pattern_bytes in 16 KiB writes, waiting for on_drain whenever write() reports
// backpressure; counts the waits and the largest buffered amount seen.
struct Streamer : std::enable_shared_from_this<Streamer> {
    duplex::Response res;
    std::string data;
    std::size_t sent = 0;
    std::atomic<int>& waits;
    std::atomic<std::size_t>& peak;
    Streamer(duplex::Response r, std::size_t total, std::atomic<int>& w, std::atomic<std::size_t>& p)
        : res(std::move(r)), data(pattern_bytes(total)), waits(w), peak(p) {}
    void pump() {
        while (sent < data.size()) {
            std::size_t n = std::min<std::size_t>(16 * 1024, data.size() - sent);
            duplex::SendResult r = res.write(std::string_view(data).substr(sent, n));
            sent += n;
            peak = std::max(peak.load(), res.buffered_amount());
            if (r == duplex::SendResult::Closed) return;
            if (r == duplex::SendResult::Backpressure && sent < data.size()) {
                ++waits;
                res.on_drain([self = shared_from_this()] { self->pump(); });
                return;
            }
        }
        res.end();
    }
};

// Captures what this process writes to stderr (the server logs there) while it lives.
class StderrCapture {
public:
    StderrCapture() {
        std::fflush(stderr);
        saved_ = ::dup(2);
        std::FILE* f = std::fopen(file_.c_str(), "w");
        REQUIRE(f);
        ::dup2(::fileno(f), 2);
        std::fclose(f);
    }
    ~StderrCapture() { restore(); }
    std::string text() {
        restore();
        std::ifstream in(file_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
    }
    TempDir dir_;
    std::string file_ = dir_.path() + "/stderr.txt";
    int saved_ = -1;
};

void echo_route(duplex::App& app, duplex::WsServer&) {
    app.post("/echo", [](duplex::Request& req, duplex::Response& res) { res.send(std::string(req.body())); });
}

}  // namespace

TEST_SUITE("http_streaming") {

TEST_CASE("a chunked request body arrives whole, extensions and trailers ignored") {
    ServerThread server(echo_route);
    RawClient c(server.http_port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "4;ext=1\r\nWiki\r\n5\r\npedia\r\n"));
    REQUIRE(c.send("E\r\n in\r\n\r\nchunks.\r\n0\r\nX-Checksum: 1\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "Wikipedia in\r\n\r\nchunks.");
    CHECK(server.stop());
}

TEST_CASE("curl uploads a 300 KiB body chunked and gets it back intact") {
    if (!have_program("curl")) {
        DUPLEX_SKIP("curl not found");
    }
    ServerThread server(echo_route);
    TempDir dir;
    std::string body = pattern_bytes(300 * 1024, 7);
    std::string file = dir.write("upload.bin", body);
    auto [rc, out] = run_command({"curl", "-sS", "-H", "Transfer-Encoding: chunked", "-H", "Expect:",
                                  "--data-binary", "@" + file,
                                  "http://127.0.0.1:" + std::to_string(server.http_port()) + "/echo"});
    CHECK(rc == 0);
    CHECK(out.size() == body.size());
    CHECK(out == body);
    CHECK(server.stop());
}

TEST_CASE("a streamed response waits for drain under backpressure and arrives intact at a slow reader") {
    constexpr std::size_t kTotal = 4 * 1024 * 1024;
    std::atomic<int> waits{0};
    std::atomic<std::size_t> peak{0};
    duplex::HttpOptions opt;
    opt.write_high_water = 64 * 1024;
    ServerThread server(
        [&](duplex::App& app, duplex::WsServer&) {
            app.get("/stream", [&](duplex::Request&, duplex::Response& res) {
                std::make_shared<Streamer>(res, kTotal, waits, peak)->pump();
            });
        },
        opt);
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::this_thread::sleep_for(300ms);  // let the server fill every buffer before reading starts
    auto r = c.read_response(10s);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("transfer-encoding") == "chunked");
    CHECK(r->body.size() == kTotal);
    CHECK(r->body == pattern_bytes(kTotal));
    CHECK(waits > 0);
    CHECK(peak <= opt.write_high_water + 16 * 1024);  // the writer stopped at the mark, not after it
    CHECK(server.stop());
}

TEST_CASE("a peer resetting mid-stream: on_finish(false), and every later call is a harmless no-op") {
    std::atomic<bool> finished_false{false}, finish_called{false};
    std::optional<duplex::Response> kept;  // loop thread only
    std::atomic<int> waits{0};
    std::atomic<std::size_t> peak{0};
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.get("/endless", [&](duplex::Request&, duplex::Response& res) {
            kept = res;
            res.on_finish([&](bool completed) {
                finish_called = true;
                finished_false = !completed;
            });
            std::make_shared<Streamer>(res, 64 * 1024 * 1024, waits, peak)->pump();
        });
        app.get("/after", [](duplex::Request&, duplex::Response& res) { res.send("still fine"); });
    });
    {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.recv_exact(100 * 1024, 5s));
        c.reset();
    }
    auto deadline = Clock::now() + 3s;
    while (!finish_called && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
    CHECK(finish_called);
    CHECK(finished_false);
    duplex::SendResult late = duplex::SendResult::Queued;
    bool connected = true;
    REQUIRE(server.run_on_loop([&] {
        late = kept->write("more");
        connected = kept->connected();
        kept->set("X-Late", "1");
        kept->send("late body");
        kept->end();
        kept.reset();
    }));
    CHECK(late == duplex::SendResult::Closed);
    CHECK_FALSE(connected);
    auto r = http_request(server.http_port(), "GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(r);
    CHECK(r->body == "still fine");
    CHECK(server.stop());
}

TEST_CASE("a Response kept after it finished stays inert once its connection is gone") {
    // The finished exchange leaves the connection's queue at once; the kept handle must not reach the session
    // after the connection is freed (a use after free that ASan caught here before the exchange forgot it).
    std::optional<duplex::Response> kept;  // loop thread only
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.get("/once", [&](duplex::Request&, duplex::Response& res) {
            kept = res;
            res.send("done");
        });
    });
    {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /once HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.recv_until("done"));
        c.close();
    }
    std::this_thread::sleep_for(300ms);  // the server sees the close and frees the connection
    bool connected = true;
    std::size_t buffered = 1;
    duplex::SendResult late = duplex::SendResult::Queued;
    bool finished = false;
    REQUIRE(server.run_on_loop([&] {
        REQUIRE(kept);
        connected = kept->connected();
        buffered = kept->buffered_amount();
        late = kept->write("more");
        finished = kept->finished();
        kept->send("again");
        kept.reset();
    }));
    CHECK_FALSE(connected);
    CHECK(buffered == 0);
    CHECK(late == duplex::SendResult::Closed);
    CHECK(finished);
    CHECK(server.stop());
}

TEST_CASE("a handler that drops its Response unfinished gets a logged 500") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/forgot", [](duplex::Request&, duplex::Response&) {});
        app.get("/forgot-later", [&app](duplex::Request&, duplex::Response& res) {
            app.loop().set_timeout(std::chrono::milliseconds(20), [res] {});
        });
    });
    StderrCapture log;
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /forgot HTTP/1.1\r\nHost: t\r\n\r\nGET /forgot-later HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = c.read_response();
    auto later = c.read_response();
    REQUIRE(r);
    REQUIRE(later);
    CHECK(r->status == 500);
    CHECK(r->body == "Internal Server Error\n");
    CHECK(later->status == 500);
    CHECK(server.stop());
    std::string text = log.text();
    CHECK(text.find("GET /forgot: handler dropped the response without finishing it") != std::string::npos);
    CHECK(text.find("GET /forgot-later: handler dropped the response") != std::string::npos);
}

TEST_CASE("a stream dropped after its head is cut off: no last chunk, the connection closes") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/half", [](duplex::Request&, duplex::Response& res) { res.write("partial"); });
    });
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /half HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto head = c.recv_until("\r\n\r\n");
    REQUIRE(head);
    CHECK(head->find("Transfer-Encoding: chunked") != std::string::npos);
    CHECK(c.recv_until("7\r\npartial\r\n"));
    // The chunk that was written arrives, but never the terminating "0\r\n\r\n" that would claim completeness.
    CHECK(c.recv_some(300ms).empty());
    CHECK(c.wait_closed(2s));
    CHECK(server.stop());
}

}  // TEST_SUITE
