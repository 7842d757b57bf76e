// A large static file (8 MiB, generated) streamed intact: to a fast reader, to a slow one (the server must
// pace itself on backpressure, not buffer the file), as ranges across chunk boundaries, and through curl.
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <duplex/static_files.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

constexpr std::size_t kSize = 8 * 1024 * 1024;

struct LargeSite {
    TempDir dir;
    std::string content = pattern_bytes(kSize, 3);
    std::atomic<std::size_t> peak_buffered{0};
    std::optional<duplex::Response> current;  // loop thread only
    ServerThread server;
    LargeSite()
        : server([this](duplex::App& app, duplex::WsServer&) {
              dir.write("big.bin", content);
              // Samples what the connection holds in user space while a file streams: with backpressure
              // honoured it stays near write_high_water, however slow the reader and however large the file.
              app.use([this](duplex::Request&, duplex::Response& res, duplex::Next next) {
                  current = res;
                  next();
              });
              app.loop().set_interval(std::chrono::milliseconds(1), [this] {
                  if (!current) return;
                  peak_buffered = std::max(peak_buffered.load(), current->buffered_amount());
                  if (current->finished()) current.reset();
              }, true);
              app.use(duplex::serve_static(dir.path()));
          }) {}
    int port() const { return server.http_port(); }
};

std::string get(const std::string& extra = "") { return "GET /big.bin HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n"; }

}  // namespace

TEST_SUITE("static_large") {

TEST_CASE("8 MiB arrive byte for byte, twice on one connection") {
    LargeSite site;
    RawClient c(site.port());
    REQUIRE(c.send(get() + get()));
    for (int i = 0; i < 2; ++i) {
        auto r = c.read_response(20s);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->header("content-length") == std::to_string(kSize));
        CHECK(r->header("content-type") == "application/octet-stream");
        CHECK(r->body.size() == kSize);
        CHECK(r->body == site.content);
    }
    CHECK(site.server.stop());
}

TEST_CASE("a slow reader gets the whole file while the server stays within its write bound") {
    LargeSite site;
    RawClient c(site.port());
    REQUIRE(c.send(get()));
    auto head = c.recv_until("\r\n\r\n", 5s);
    REQUIRE(head);
    CHECK(head->find("HTTP/1.1 200") == 0);
    // Read in 256 KiB steps with pauses: about 32 pauses of 15 ms, long enough for the server to stall often.
    std::string body;
    while (body.size() < kSize) {
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        auto piece = c.recv_exact(std::min<std::size_t>(256 * 1024, kSize - body.size()), 5s);
        REQUIRE(piece);
        body += *piece;
    }
    CHECK(body == site.content);
    duplex::HttpOptions defaults;
    CHECK(site.peak_buffered > 0);
    CHECK(site.peak_buffered <= defaults.write_high_water + 64 * 1024);
    CHECK(site.server.stop());
}

TEST_CASE("ranges spanning the 64 KiB read chunks come back exact") {
    LargeSite site;
    RawClient c(site.port());
    REQUIRE(c.send(get("Range: bytes=65530-200001\r\n") + get("Range: bytes=-70000\r\n")));
    auto mid = c.read_response(10s);
    REQUIRE(mid);
    CHECK(mid->status == 206);
    CHECK(mid->header("content-range") == "bytes 65530-200001/" + std::to_string(kSize));
    CHECK(mid->body == site.content.substr(65530, 200001 - 65530 + 1));
    auto tail = c.read_response(10s);
    REQUIRE(tail);
    CHECK(tail->status == 206);
    CHECK(tail->body == site.content.substr(kSize - 70000));
    CHECK(site.server.stop());
}

TEST_CASE("curl downloads the file whole and with --range") {
    if (!have_program("curl")) {
        DUPLEX_SKIP("curl not found");
    }
    LargeSite site;
    std::string url = "http://127.0.0.1:" + std::to_string(site.port()) + "/big.bin";
    auto [rc, whole] = run_command({"curl", "-sS", "--fail", url});
    CHECK(rc == 0);
    CHECK(whole.size() == kSize);
    CHECK(whole == site.content);
    auto [rrc, part] = run_command({"curl", "-sS", "--fail", "--range", "1000000-1999999", url});
    CHECK(rrc == 0);
    CHECK(part == site.content.substr(1000000, 1000000));
    auto [hrc, head] = run_command({"curl", "-sS", "-I", url});
    CHECK(hrc == 0);
    CHECK(head.find("Content-Length: " + std::to_string(kSize) + "\r\n") != std::string::npos);
    CHECK(site.server.stop());
}

TEST_CASE("curl -C - resumes a download with If-Range and the ETag it was given: 206, the file intact") {
    if (!have_program("curl")) {
        DUPLEX_SKIP("curl not found");
    }
    LargeSite site;
    TempDir out;
    const std::string url = "http://127.0.0.1:" + std::to_string(site.port()) + "/big.bin";
    auto [hrc, head] = run_command({"curl", "-sS", "-I", url});
    REQUIRE(hrc == 0);
    const std::size_t at = head.find("ETag: ");
    REQUIRE(at != std::string::npos);
    const std::string etag = head.substr(at + 6, head.find("\r\n", at) - at - 6);
    CHECK(etag.starts_with("\""));  // strong: If-Range compares strongly (RFC 9110 13.1.5)
    // An interrupted download: the first MB is on disk.
    const std::string file = out.write("big.part", site.content.substr(0, 1000000));
    auto [rc, code] = run_command({"curl", "-sS", "--fail", "-C", "-", "-H", "If-Range: " + etag, "-o", file,
                                   "-w", "%{http_code}", url});
    CHECK(rc == 0);  // curl fails with 33 when the server answers 200 to a resume
    CHECK(code == "206");
    auto [crc, resumed] = run_command({"cat", file});
    CHECK(resumed == site.content);
    CHECK(site.server.stop());
}

}  // TEST_SUITE
