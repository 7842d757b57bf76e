// duplex::compression through a real server: curl --compressed decodes every coding to the very bytes sent (res.send,
// res.json, streams, static files from memory and from disk), what is left alone stays alone (threshold, images,
// 206, HEAD, refused codings), Vary is always there, static files keep one coded form per version with its own ETag
// and 304, precompressed siblings are served as they are, and the hostile cases: 10,000 codings in Accept-Encoding,
// and a 100 MiB coded stream to a client that reads slowly, with the server's memory measured while it runs.
#include "support/content_decode.h"
#include "support/proc_stats.h"
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include <doctest/doctest.h>

#include <duplex/compression.h>
#include <duplex/static_files.h>

#include "middleware/content_encoder.h"
#include "static/file_identity.h"

#include <zlib.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

// Text that codes to about a third of its size: words from a small vocabulary in a deterministic order.
std::string text_bytes(std::size_t n, unsigned seed = 1) {
    static const char* words[] = {"duplex ", "express ", "stream ", "backpressure ", "<li class=\"item\">", "\n",
                                  "coding ", "brotli ", "gzip ", "{\"k\":", "42}, "};
    std::string out;
    out.reserve(n + 16);
    unsigned x = seed * 2654435761u + 1;
    while (out.size() < n) {
        x = x * 1103515245u + 12345u;
        out.append(words[(x >> 16) % 11]);
    }
    out.resize(n);
    return out;
}

struct Site {
    TempDir dir;
    std::string big = text_bytes(200 * 1024);
    std::string page = text_bytes(3000, 2);
    std::string disk = text_bytes(1536 * 1024 + 1, 4);  // beyond the static cache: coded as it is read from disk
    ServerThread server;
    explicit Site(duplex::CompressionOptions options = {}, duplex::HttpOptions http = {})
        : server(
              [this, options](duplex::App& app, duplex::WsServer&) {
                  dir.write("index.html", page);
                  dir.write("disk.txt", disk);
                  dir.write("photo.png", text_bytes(5000, 3));
                  dir.write("small.txt", "tiny\n");
                  app.use(duplex::compression(options));
                  app.get("/big", [this](duplex::Request&, duplex::Response& res) { res.send(big); });
                  app.get("/small", [](duplex::Request&, duplex::Response& res) { res.send("short answer"); });
                  app.get("/json", [](duplex::Request&, duplex::Response& res) {
                      nlohmann::json list = nlohmann::json::array();
                      for (int i = 0; i < 500; ++i) list.push_back({{"id", i}, {"name", "item"}});
                      res.json(list);
                  });
                  app.get("/png", [this](duplex::Request&, duplex::Response& res) { res.type("image/png").send(big); });
                  app.get("/stream", [this](duplex::Request&, duplex::Response& res) {
                      res.type("text/plain");
                      for (std::size_t at = 0; at < big.size(); at += 10000)
                          res.write(std::string_view(big).substr(at, 10000));
                      res.end();
                  });
                  app.get("/no-transform", [this](duplex::Request&, duplex::Response& res) {
                      res.set("Cache-Control", "no-transform").send(big);
                  });
                  app.use(duplex::serve_static(dir.path()));
              },
              http) {}
    int port() const { return server.http_port(); }
    HttpResponse get(const std::string& target, const std::string& extra = "", const char* method = "GET") {
        auto r = http_request(port(), std::string(method) + " " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n",
                              std::string(method) == "HEAD");
        REQUIRE(r);
        return *r;
    }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Lets the files written so far settle, so the static cache keeps their bytes (static/file_identity.h).
void settle() {
    std::this_thread::sleep_for(std::chrono::seconds(duplex::detail::static_files::kSettleSeconds) +
                                std::chrono::milliseconds(300));
}

std::string gzip_of(const std::string& body, int level) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, body.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    return out;
}

}  // namespace

TEST_SUITE("compression") {

TEST_CASE("curl --compressed: each coding decodes to the bytes sent, for send, json, streams and static files") {
    if (!have_program("curl")) {
        MESSAGE("curl not found; skipped");
        return;
    }
    Site site;
    TempDir out;
    const std::string base = "http://127.0.0.1:" + std::to_string(site.port());
    const std::string json_text = [&] {
        auto r = site.get("/json");  // identity: the reference bytes
        CHECK_FALSE(r.has("content-encoding"));
        return r.body;
    }();
    for (const char* coding : {"gzip", "deflate", "br"}) {
        for (const auto& target : std::vector<std::pair<std::string, std::string>>{
                 {"/big", site.big}, {"/json", json_text}, {"/stream", site.big}, {"/index.html", site.page},
                 {"/disk.txt", site.disk}}) {
            const std::string& path = target.first;  // a plain reference: clang 14 cannot CAPTURE a binding
            const std::string& expected = target.second;
            CAPTURE(coding);
            CAPTURE(path);
            const std::string body_file = out.path() + "/body", head_file = out.path() + "/head";
            auto [rc, ignored] = run_command({"curl", "-sS", "--compressed", "-H",
                                              std::string("Accept-Encoding: ") + coding, "-D", head_file, "-o",
                                              body_file, base + path});
            REQUIRE(rc == 0);
            const std::string head = read_file(head_file);
            CHECK(head.find(std::string("Content-Encoding: ") + coding + "\r\n") != std::string::npos);
            CHECK(head.find("Vary: Accept-Encoding\r\n") != std::string::npos);
            CHECK(read_file(body_file) == expected);
        }
    }
    CHECK(site.server.stop());
}

TEST_CASE("raw: coded sizes and headers; what is left alone") {
    Site site;
    for (const char* coding : {"gzip", "deflate", "br"}) {
        CAPTURE(coding);
        auto r = site.get("/big", std::string("Accept-Encoding: ") + coding + "\r\n");
        CHECK(r.status == 200);
        CHECK(r.header("content-encoding") == coding);
        CHECK(r.header("content-length") == std::to_string(r.body.size()));
        CHECK(r.body.size() < site.big.size() / 2);
        CHECK(decode_body(coding, r.body) == site.big);
        auto s = site.get("/stream", std::string("Accept-Encoding: ") + coding + "\r\n");
        CHECK(s.header("transfer-encoding") == "chunked");
        CHECK(decode_body(coding, s.body) == site.big);
    }
    // Preference on ties, weights, refusals.
    CHECK(site.get("/big", "Accept-Encoding: gzip, deflate, br, zstd\r\n").header("content-encoding") == "br");
    CHECK(site.get("/big", "Accept-Encoding: br;q=0.5, gzip\r\n").header("content-encoding") == "gzip");
    CHECK_FALSE(site.get("/big", "Accept-Encoding: gzip;q=0, br;q=0, deflate;q=0\r\n").has("content-encoding"));
    CHECK_FALSE(site.get("/big", "Accept-Encoding: gzip;q=2\r\n").has("content-encoding"));  // invalid: identity
    CHECK(site.get("/big", "Accept-Encoding: identity;q=0\r\n").body == site.big);  // never 406
    // Repeated lines are one list.
    CHECK(site.get("/big", "Accept-Encoding: identity;q=0.5\r\nAccept-Encoding: gzip\r\n").header("content-encoding") ==
          "gzip");
    // Left alone, with Vary all the same.
    for (const char* path : {"/small", "/png", "/no-transform", "/small.txt", "/photo.png"}) {
        CAPTURE(path);
        auto r = site.get(path, "Accept-Encoding: gzip, br\r\n");
        CHECK(r.status == 200);
        CHECK_FALSE(r.has("content-encoding"));
        CHECK(r.header("vary") == "Accept-Encoding");
    }
    auto none = site.get("/big");
    CHECK_FALSE(none.has("content-encoding"));
    CHECK(none.header("vary") == "Accept-Encoding");
    auto head = site.get("/big", "Accept-Encoding: gzip\r\n", "HEAD");
    CHECK_FALSE(head.has("content-encoding"));
    CHECK(head.header("content-length") == std::to_string(site.big.size()));
    // 206: never coded.
    auto part = site.get("/index.html", "Accept-Encoding: gzip\r\nRange: bytes=0-99\r\n");
    CHECK(part.status == 206);
    CHECK_FALSE(part.has("content-encoding"));
    CHECK(part.body == site.page.substr(0, 100));
    CHECK(site.server.stop());
}

TEST_CASE("static files: a coded form per version from the cache, its own ETag and 304, precompressed siblings") {
    Site site;
    const std::string sibling = gzip_of(site.page, 1);  // level 1: not what the server would make itself
    site.dir.write("index.html.gz", sibling);
    settle();
    auto plain = site.get("/index.html");
    const std::string etag = plain.header("etag");
    REQUIRE(etag.size() > 4);
    const std::string base = etag.substr(0, etag.size() - 1);
    for (int round = 0; round < 2; ++round) {  // the second round comes from the kept forms
        auto br = site.get("/index.html", "Accept-Encoding: br\r\n");
        CHECK(br.header("content-encoding") == "br");
        CHECK(br.header("etag") == base + "-br\"");
        CHECK(br.header("content-length") == std::to_string(br.body.size()));
        CHECK(decode_body("br", br.body) == site.page);
        auto gz = site.get("/", "Accept-Encoding: gzip\r\n");
        CHECK(gz.header("content-encoding") == "gzip");
        CHECK(gz.header("etag") == base + "-gzip\"");
        CHECK(gz.body == sibling);  // the file on disk, byte for byte
        auto df = site.get("/index.html", "Accept-Encoding: deflate\r\n");
        CHECK(df.header("etag") == base + "-deflate\"");
        CHECK(decode_body("deflate", df.body) == site.page);
    }
    // Each form validates on its own.
    auto nm = site.get("/index.html", "Accept-Encoding: br\r\nIf-None-Match: " + base + "-br\"\r\n");
    CHECK(nm.status == 304);
    CHECK(nm.header("etag") == base + "-br\"");
    CHECK(nm.header("vary") == "Accept-Encoding");
    CHECK(site.get("/index.html", "Accept-Encoding: gzip\r\nIf-None-Match: " + base + "-br\"\r\n").status == 200);
    CHECK(site.get("/index.html", "If-None-Match: " + etag + "\r\n").status == 304);
    // A sibling older than the file is stale: not served.
    site.dir.write("index.html", site.page + "v2");
    settle();
    auto v2 = site.get("/index.html", "Accept-Encoding: gzip\r\n");
    CHECK(v2.header("content-encoding") == "gzip");
    CHECK(decode_body("gzip", v2.body) == site.page + "v2");
    CHECK(site.server.stop());
}

TEST_CASE("hostile: an Accept-Encoding of 10,000 codings is parsed in linear time") {
    Site site({}, {.max_header_bytes = 1 << 20});
    std::string value;
    for (int i = 0; i < 10000; ++i) value.append("x-coding-" + std::to_string(i) + ";q=0.5, ");
    value.append("gzip;q=0.1");
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) {
        auto r = site.get("/big", "Accept-Encoding: " + value + "\r\n");
        CHECK(r.header("content-encoding") == "gzip");
    }
    const auto per_request = (std::chrono::steady_clock::now() - start) / 20;
    MESSAGE("10,000 codings (" << value.size() << " bytes): "
                               << std::chrono::duration_cast<std::chrono::microseconds>(per_request).count()
                               << " us per request, coding included");
    CHECK(per_request < std::chrono::milliseconds(200));
    CHECK(site.server.stop());
}

TEST_CASE("hostile: a 100 MiB coded stream to a slow reader keeps the server's memory bounded") {
    // Under the sanitizers memory figures mean nothing and coding is ten times slower: a smaller stream there.
    const std::size_t total = memory_figures_meaningful() ? std::size_t(100) << 20 : std::size_t(16) << 20;
    constexpr std::size_t kPiece = 64 * 1024;
    const std::string piece = text_bytes(kPiece, 9);
    std::atomic<std::size_t> peak_buffered{0};
    ServerThread server([&](duplex::App& app, duplex::WsServer&) {
        app.use(duplex::compression());
        app.get("/flood", [&](duplex::Request&, duplex::Response& res) {
            res.type("text/plain");
            auto sent = std::make_shared<std::size_t>(0);
            auto pump = std::make_shared<std::function<void()>>();
            *pump = [res, sent, pump, total, &piece, &peak_buffered]() mutable {
                while (*sent < total) {
                    *sent += piece.size();
                    const duplex::SendResult r = res.write(piece);
                    peak_buffered = std::max(peak_buffered.load(), res.buffered_amount());
                    if (r == duplex::SendResult::Closed) return;
                    if (r == duplex::SendResult::Backpressure) {
                        res.on_drain([pump] { (*pump)(); });
                        return;
                    }
                }
                res.on_drain(nullptr);
                res.end();
                *pump = nullptr;  // breaks the cycle
            };
            (*pump)();
        });
    });
    const MemoryBaseline base = MemoryBaseline::take();
    reset_peak_rss();
    RawClient c(server.http_port());
    // HTTP/1.0: the coded body is close-delimited, so the bytes after the head are the gzip stream itself.
    REQUIRE(c.send("GET /flood HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n"));
    auto head = c.recv_until("\r\n\r\n", 5s);
    REQUIRE(head);
    CHECK(head->find("Content-Encoding: gzip\r\n") != std::string::npos);
    ContentDecoder decoder("gzip");
    std::size_t decoded = 0, coded = 0, peak_heap = 0;
    bool same = true;
    std::string plain;
    const auto deadline = std::chrono::steady_clock::now() + 240s;
    int reads = 0;
    while (!decoder.finished() && std::chrono::steady_clock::now() < deadline) {
        if (++reads % 8 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a slow reader
        std::string& in = c.buffer();
        if (in.empty() && c.recv_some(2s).empty()) break;
        coded += in.size();
        plain.clear();
        REQUIRE(decoder.feed(in, plain));
        in.clear();
        for (std::size_t i = 0; i < plain.size() && same; i += 4096)  // spot checks against the piece's bytes
            same = plain[i] == piece[(decoded + i) % kPiece];
        decoded += plain.size();
        if (reads % 64 == 0) peak_heap = std::max(peak_heap, heap_in_use_kib());
    }
    CHECK(decoder.finished());
    CHECK(decoded == total);
    CHECK(same);
    const std::size_t growth = peak_heap > base.heap_kib ? peak_heap - base.heap_kib : 0;
    const std::size_t peak_rss = peak_rss_kib();
    const std::size_t rss_growth = peak_rss > base.rss_kib ? peak_rss - base.rss_kib : 0;
    MESSAGE("coded stream: " << (total >> 20) << " MiB -> " << (coded >> 20) << " MiB; heap growth at peak "
                             << growth << " KiB, RSS (VmHWM) growth " << rss_growth << " KiB (server and client: one "
                             << "process); peak buffered " << (peak_buffered.load() >> 10) << " KiB");
    if (memory_figures_meaningful()) {
        CHECK(growth < 4 * 1024);       // the coder (262 KiB), the write buffer, the client's decoder
        CHECK(rss_growth < 16 * 1024);  // the same plus pages the allocator keeps; 100 MiB if the body were held
    }
    CHECK(server.stop());
}

TEST_CASE("a coded stream its handler dropped ends without the coding's end, so the client sees it truncated") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.use(duplex::compression());
        app.get("/cut", [](duplex::Request&, duplex::Response& res) {
            res.type("text/plain").write(text_bytes(4000, 5));
        });  // the last handle goes here: 500 is too late, the connection closes
    });
    RawClient c(server.http_port());
    REQUIRE(c.send("GET /cut HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"));
    REQUIRE(c.recv_until("\r\n\r\n", 5s));
    std::string body;
    for (int i = 0; i < 4; ++i) body = c.recv_some(500ms);  // what came before the close
    CHECK(c.wait_closed(5s));
    CHECK(body.size() > 10);  // the first write's coded bytes came
    CHECK(body.find("\r\n0\r\n\r\n") == std::string::npos);  // no last-chunk
    // Unchunked, the coded bytes do not reach the gzip end.
    std::string coded;
    for (std::size_t at = 0; at < body.size();) {
        const std::size_t eol = body.find("\r\n", at);
        if (eol == std::string::npos) break;
        const std::size_t n = std::stoul(body.substr(at, eol - at), nullptr, 16);
        coded += body.substr(eol + 2, n);
        at = eol + 2 + n + 2;
    }
    ContentDecoder d("gzip");
    std::string plain;
    CHECK(d.feed(coded, plain));
    CHECK(plain == text_bytes(4000, 5));
    CHECK_FALSE(d.finished());
    CHECK(server.stop());
}

TEST_CASE("memory per streamed answer: what one stream's coder holds, measured over 50 of them") {
    if (!memory_figures_meaningful()) return;
    const std::string piece = text_bytes(64 * 1024, 4);
    using duplex::detail::Coding;
    for (const Coding coding : {Coding::Gzip, Coding::Deflate, Coding::Brotli}) {
        std::vector<std::unique_ptr<duplex::detail::ContentEncoder>> streams;
        std::string out;
        const std::size_t before = heap_in_use_kib();
        for (int i = 0; i < 50; ++i) {
            streams.push_back(duplex::detail::ContentEncoder::make(coding, -1));
            REQUIRE(streams.back());
            for (int k = 0; k < 4; ++k) {  // 256 KiB through each, flushed per write, as a stream does
                out.clear();
                REQUIRE(streams.back()->encode(piece, false, out));
            }
        }
        const std::size_t per_stream = (heap_in_use_kib() - before) / 50;
        MESSAGE(duplex::detail::coding_name(coding) << ": " << per_stream << " KiB per streamed answer");
        CHECK(per_stream < 512);  // zlib 262 KiB, brotli at its stream default 390 KiB
    }
}

}
