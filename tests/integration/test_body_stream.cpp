// Streamed request bodies (body::stream, req.body_stream()) through a real server: chunks in order and the end,
// pause/resume reaching TCP, Expect: 100-continue answered only when the handler reads (or refused without
// reading), the per-route limit, body_timeout with the handler told, and a large chunked upload written to a file
// in bounded memory (DUPLEX_UPLOAD_BYTES sets its size; 256 MiB by default, 10 GiB was measured by hand).
#include "support/proc_stats.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Routes of the tests below; what the loop saw is kept in atomics for the test thread.
struct StreamServer {
    std::atomic<int> error_status{0};
    std::atomic<std::uint64_t> received{0};
    std::atomic<int> data_calls{0};
    std::shared_ptr<std::optional<duplex::BodyStream>> paused = std::make_shared<std::optional<duplex::BodyStream>>();
    std::string file_path;
    ServerThread server;

    explicit StreamServer(duplex::HttpOptions opt = {}, std::string file = {})
        : file_path(std::move(file)),
          server(
              [this](duplex::App& app, duplex::WsServer&) {
                  // Answers "<bytes> <fnv-1a>" of the body it was streamed.
                  app.post("/sum", duplex::body::stream({.max_body_bytes = 3 << 20}),
                           [this](duplex::Request& req, duplex::Response& res) {
                               auto h = std::make_shared<std::uint64_t>(14695981039346656037ull);
                               auto body = req.body_stream();
                               body.on_data([this, h](std::string_view c) {
                                       *h = fnv(*h, c);
                                       ++data_calls;
                                   })
                                   .on_end([res, h, body]() mutable {
                                       res.send(std::to_string(body.received()) + " " + std::to_string(*h));
                                   })
                                   .on_error([this](const duplex::Error& e) { error_status = e.status(); });
                           });
                  // Pauses before reading anything; the test resumes it on the loop.
                  app.put("/paused", duplex::body::stream({.max_body_bytes = 1 << 30}), [this](duplex::Request& req, duplex::Response& res) {
                      auto body = req.body_stream();
                      body.pause();
                      body.on_data([this](std::string_view c) { received += c.size(); })
                          .on_end([res]() mutable { res.send("done"); });
                      *paused = body;
                  });
                  // Refuses without reading.
                  app.put("/refuse", duplex::body::stream(), [](duplex::Request&, duplex::Response& res) {
                      res.status(413).send("too big for us\n");
                  });
                  // Writes the body to a file, answers its size.
                  app.put("/file", duplex::body::stream({.max_body_bytes = 1ull << 40}),
                          [this](duplex::Request& req, duplex::Response& res) {
                              std::shared_ptr<std::FILE> f(std::fopen(file_path.c_str(), "wb"), [](std::FILE* p) {
                                  if (p) std::fclose(p);
                              });
                              if (!f) throw duplex::Error(500, "cannot open the file");
                              auto body = req.body_stream();
                              body.on_data([f](std::string_view c) { std::fwrite(c.data(), 1, c.size(), f.get()); })
                                  .on_end([res, body, f]() mutable { res.send(std::to_string(body.received())); });
                          });
                  app.post("/buffered", [](duplex::Request& req, duplex::Response& res) {
                      res.send(std::to_string(req.body().size()));
                  });
              },
              opt) {}
    int port() const { return server.http_port(); }
};

std::string chunked(const std::string& data, std::size_t piece) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += piece) {
        std::size_t n = std::min(piece, data.size() - i);
        char head[32];
        std::snprintf(head, sizeof head, "%zx\r\n", n);
        out += head;
        out.append(data, i, n);
        out += "\r\n";
    }
    return out + "0\r\n\r\n";
}

}  // namespace

TEST_SUITE("body_stream") {

TEST_CASE("a streamed body arrives in order, chunked or with a length, and keep-alive goes on") {
    StreamServer s;
    const std::string data = pattern_bytes(2 << 20, 7);
    const std::string want = std::to_string(data.size()) + " " + std::to_string(fnv(14695981039346656037ull, data));
    RawClient c(s.port());
    REQUIRE(c.send("POST /sum HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(data, 70000)));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == want);
    REQUIRE(c.send("POST /sum HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(data.size()) + "\r\n\r\n" +
                   data + "POST /buffered HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
    r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == want);
    CHECK(r->header("connection") != "close");
    r = c.read_response();  // a buffered route on the same connection still gets its body whole
    REQUIRE(r);
    CHECK(r->body == "3");
    CHECK(s.data_calls > 2);
    CHECK(s.error_status == 0);
    CHECK(s.server.stop());
}

TEST_CASE("the route's limit: over it is 413 (announced before any handler, chunked with the handler told)") {
    duplex::HttpOptions opt;
    opt.max_body_bytes = 1 << 20;  // the route raises it to 3 MiB
    StreamServer s(opt);
    {
        RawClient c(s.port());
        REQUIRE(c.send("POST /sum HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(4 << 20) + "\r\n\r\n"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(c.wait_closed(2s));
        CHECK(s.error_status == 0);  // no handler ran
    }
    RawClient c(s.port());
    // The server may stop reading at the limit: what the send says does not matter, the answer does.
    (void)c.send("POST /sum HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 chunked(pattern_bytes(4 << 20), 1 << 16), 10s);
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(s.error_status == 413);
    CHECK(s.server.stop());
}

TEST_CASE("pause stops reading the socket; resume delivers the rest") {
    StreamServer s;
    RawClient c(s.port());
    const std::size_t total = 64u << 20;
    REQUIRE(c.send("PUT /paused HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n"));
    // Push without blocking until the kernel buffers are full: far less than the body gets in while paused.
    const std::string block(1 << 16, 'x');
    std::size_t sent = 0;
    auto deadline = std::chrono::steady_clock::now() + 3s;
    int stalls = 0;
    while (sent < total && std::chrono::steady_clock::now() < deadline && stalls < 50) {
        ssize_t n = ::send(c.fd(), block.data(), std::min(block.size(), total - sent), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            stalls = 0;
        } else {
            ++stalls;
            std::this_thread::sleep_for(10ms);
        }
    }
    CHECK(sent < total / 2);  // the sender stalled: the server stopped reading
    CHECK(s.received == 0);
    REQUIRE(s.server.run_on_loop([&] { (*s.paused)->resume(); }));
    REQUIRE(c.send(std::string(total - sent, 'x'), 20s));
    auto r = c.read_response(10s);
    REQUIRE(r);
    CHECK(r->body == "done");
    CHECK(s.received == total);
    CHECK(s.server.stop());
}

TEST_CASE("Expect: 100-continue is answered when the handler reads, or refused without reading") {
    StreamServer s;
    {
        RawClient c(s.port());
        REQUIRE(c.send("PUT /paused HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
        CHECK(c.recv_some(300ms).empty());  // paused: no 100 yet
        REQUIRE(s.server.run_on_loop([&] { (*s.paused)->resume(); }));
        auto interim = c.recv_until("\r\n\r\n", 2s);
        REQUIRE(interim);
        CHECK(*interim == "HTTP/1.1 100 Continue\r\n\r\n");
        REQUIRE(c.send("hello"));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->body == "done");
    }
    RawClient c(s.port());
    REQUIRE(c.send("PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed(3s));
    CHECK(s.server.stop());
}

TEST_CASE("a client that stops mid-body is cut by body_timeout, and the handler is told") {
    duplex::HttpOptions opt;
    opt.body_timeout = std::chrono::milliseconds(300);
    StreamServer s(opt);
    RawClient c(s.port());
    REQUIRE(c.send("POST /sum HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(400, 'a')));
    auto r = c.read_response(5s);
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(c.wait_closed(2s));
    CHECK(s.error_status == 408);
    CHECK(s.server.stop());
}

TEST_CASE("a large chunked upload written to a file stays in bounded memory") {
    TempDir dir;
    StreamServer s({}, dir.path() + "/upload.bin");
    const char* env = std::getenv("DUPLEX_UPLOAD_BYTES");
    const std::uint64_t total = env ? std::strtoull(env, nullptr, 10) : 256ull << 20;
    const std::size_t before = rss_bytes();
    RawClient c(s.port());
    REQUIRE(c.send("PUT /file HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const std::string piece = chunked(std::string(1 << 20, 'z'), 1 << 20);
    const std::string one = piece.substr(0, piece.size() - 5);  // without the last-chunk
    std::size_t peak = before;
    for (std::uint64_t sent = 0; sent < total; sent += 1 << 20) {
        REQUIRE(c.send(one, 20s));
        if ((sent & ((64u << 20) - 1)) == 0) peak = std::max(peak, rss_bytes());
    }
    REQUIRE(c.send("0\r\n\r\n"));
    auto r = c.read_response(60s);
    REQUIRE(r);
    CHECK(r->body == std::to_string(total));
    peak = std::max(peak, rss_bytes());
    MESSAGE("upload of " << (total >> 20) << " MiB: RSS +" << ((peak - before) >> 10) << " KiB");
    if (memory_figures_meaningful()) CHECK(peak - before < (32u << 20));
    CHECK(s.server.stop());
}

}  // TEST_SUITE
