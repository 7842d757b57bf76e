// Large files are read off the loop: with every disk read made slow (20 ms each, the file sender's test seam), a
// slow client downloading a file the cache does not hold must not slow anything else on the loop: a parallel
// hello keeps its p99 under 10 ms while the download runs, and the file arrives intact, through serve_static and
// through Response::send_file, whole and as a range. A file truncated while it is being sent cuts the connection
// (the promised length cannot be kept) instead of hanging or padding. Without a slow disk, such files arrive intact
// to a fast reader, to one that stalls and pipelined.
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include "static/file_sender.h"

#include <doctest/doctest.h>

#include <duplex/static_files.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <sys/socket.h>
#include <string>
#include <thread>
#include <vector>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kSize = 4 * 1024 * 1024;  // beyond the cache's 1 MiB: streamed from disk

// A slow disk for the life of the test.
struct SlowDisk {
    explicit SlowDisk(int ms) { duplex::detail::static_files::file_read_delay_ms = ms; }
    ~SlowDisk() { duplex::detail::static_files::file_read_delay_ms = 0; }
};

struct Site {
    TempDir dir;
    std::string content = pattern_bytes(kSize, 5);
    ServerThread server;
    Site()
        : server([this](duplex::App& app, duplex::WsServer&) {
              dir.write("big.bin", content);
              app.get("/hello", [](duplex::Request&, duplex::Response& res) { res.send("hello"); });
              app.get("/download", [this](duplex::Request&, duplex::Response& res) {
                  res.send_file(dir.path() + "/big.bin");
              });
              app.use(duplex::serve_static(dir.path()));
          }) {}
};

// Reads one response with a Content-Length body slowly (a pause every 256 KiB); the body, or what came before the
// connection closed.
std::string slow_read_body(RawClient& c) {
    auto head = c.recv_until("\r\n\r\n", 10s);
    REQUIRE(head);
    const auto at = head->find("Content-Length: ");
    REQUIRE(at != std::string::npos);
    const std::size_t length = std::stoul(head->substr(at + 16));
    std::string body;
    while (body.size() < length) {
        auto piece = c.recv_exact(std::min<std::size_t>(256 * 1024, length - body.size()), 10s);
        if (!piece) {
            body += c.buffer();
            break;
        }
        body += *piece;
        std::this_thread::sleep_for(5ms);
    }
    return body;
}

}  // namespace

TEST_SUITE("static_offloop") {

TEST_CASE("a slow disk and a slow client: a parallel hello keeps its p99 under 10 ms, the file arrives intact") {
    Site site;
    SlowDisk disk(20);
    // Reads on the loop would hold every hello that meets one for up to 20 ms, in every download. A machine busy
    // with other work can also stall the test's own threads for that long now and then, so each target gets up to
    // three downloads and the best p99 counts: loop-blocking reads would fail all three.
    for (const char* target : {"/big.bin", "/download"}) {
        CAPTURE(target);
        double best_p99 = 1e9;
        for (int attempt = 0; attempt < 3 && best_p99 >= 10.0; ++attempt) {
            std::atomic<bool> downloading{true};
            std::vector<double> ms;
            std::atomic<bool> hello_failed{false};
            std::thread hello([&] {
                RawClient h(site.server.http_port());
                while (downloading || ms.size() < 100) {
                    const auto t0 = Clock::now();
                    if (!h.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n") || !h.read_response(5s)) {
                        hello_failed = true;
                        return;
                    }
                    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                    std::this_thread::sleep_for(2ms);
                }
            });
            RawClient c(site.server.http_port());
            REQUIRE(c.send(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n"));
            const std::string body = slow_read_body(c);
            downloading = false;
            hello.join();
            REQUIRE_FALSE(hello_failed);
            CHECK(body.size() == kSize);
            CHECK(body == site.content);
            std::sort(ms.begin(), ms.end());
            const double p99 = ms[ms.size() * 99 / 100];
            MESSAGE("hello during the download: ", ms.size(), " requests, p50 ", ms[ms.size() / 2], " ms, p99 ",
                    p99, " ms");
            best_p99 = std::min(best_p99, p99);
        }
        CHECK(best_p99 < 10.0);
    }
    CHECK(site.server.stop());
}

TEST_CASE("files beyond the cache arrive intact: to a fast reader, to one that stalls, and pipelined") {
    // 1 MiB + 1 B is read whole; 6 MiB + 1 B in reads that grow while the reader keeps up and shrink when it stalls.
    TempDir dir;
    const std::string whole = pattern_bytes(1024 * 1024 + 1, 7), grown = pattern_bytes(6 * 1024 * 1024 + 1, 8);
    dir.write("whole.bin", whole);
    dir.write("grown.bin", grown);
    ServerThread server([&](duplex::App& app, duplex::WsServer&) { app.use(duplex::serve_static(dir.path())); });
    for (const auto& file : {std::pair{"/whole.bin", &whole}, std::pair{"/grown.bin", &grown}}) {
        const char* target = file.first;  // a plain variable: clang 14 cannot CAPTURE a binding
        const std::string* content = file.second;
        CAPTURE(target);
        auto fast = http_request(server.http_port(), std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(fast);
        CHECK(fast->status == 200);
        CHECK(fast->body == *content);
        // Stalls after 64 KiB long enough for every buffer on the way to fill, then reads in pauses. Over loopback the
        // kernel takes about 3 MB of a new connection's answer at once: with a small receive buffer, the larger file
        // makes the stream wait for drains.
        RawClient c(server.http_port());
        const int small = 16 * 1024;
        REQUIRE(::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
        REQUIRE(c.send(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.recv_until("\r\n\r\n", 5s));
        auto body = c.recv_exact(64 * 1024, 5s);
        REQUIRE(body);
        std::this_thread::sleep_for(300ms);
        while (body->size() < content->size()) {
            auto piece = c.recv_exact(std::min<std::size_t>(512 * 1024, content->size() - body->size()), 5s);
            REQUIRE(piece);
            *body += *piece;
            std::this_thread::sleep_for(10ms);
        }
        CHECK(*body == *content);
    }
    // Pipelined: the answers behind the first are buffered by their exchanges until it is done.
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /grown.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /whole.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                   "GET /grown.bin HTTP/1.1\r\nHost: t\r\n\r\n"));
    for (const std::string* content : {&grown, &whole, &grown}) {
        auto r = c.read_response(10s);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == *content);
    }
    CHECK(server.stop());
}

TEST_CASE("ranges and HEAD from disk; a file truncated mid-send cuts the connection") {
    Site site;
    SlowDisk disk(5);
    auto part = http_request(site.server.http_port(),
                             "GET /big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=65000-200000\r\n\r\n");
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->body == site.content.substr(65000, 135001));
    auto head = http_request(site.server.http_port(), "HEAD /download HTTP/1.1\r\nHost: t\r\n\r\n", true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == std::to_string(kSize));
    CHECK(head->body.empty());

    RawClient c(site.server.http_port());
    REQUIRE(c.send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(c.recv_until("\r\n\r\n", 5s));
    REQUIRE(c.recv_exact(64 * 1024, 5s));
    std::filesystem::resize_file(site.dir.path() + "/big.bin", 1024 * 1024);
    std::size_t got = 64 * 1024;
    const auto deadline = Clock::now() + 10s;
    for (std::string more; Clock::now() < deadline && !(more = c.recv_some(2s)).empty(); c.buffer().clear())
        got += more.size();
    CHECK(got <= 1024 * 1024);  // never more than the file now holds, and never a hang
    CHECK(c.wait_closed(1s));
    CHECK(site.server.stop());
}
}
