// body::multipart() through a real server on a body::stream() route: fields into req.form(), files into a private
// temporary directory (0700, files 0600) that is gone once the request ends, files to a callback instead, the
// limits (413) and a missing boundary (400), each answered with the connection closed cleanly. Files are written on
// libuv's thread pool: a big upload arrives intact and in order through the paused and resumed body stream, and a
// failed write (a full disk) is a 500 with the temporary files removed.
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/temp_dir.h"

#include "middleware/upload_dir.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

using namespace testing_support;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct UploadServer {
    TempDir tmp;
    std::mutex m;
    std::string seen;      // what the handler saw, for the test thread
    std::string temp_path;  // a file's temporary path, to check it is gone afterwards
    std::atomic<std::uint64_t> streamed{0};
    ServerThread server;
    UploadServer()
        : server([this](duplex::App& app, duplex::WsServer&) {
              duplex::body::MultipartOptions o;
              o.temp_dir = tmp.path();
              o.max_files = 2;
              o.max_file_bytes = 1 << 20;
              app.post("/up", duplex::body::stream({.max_body_bytes = 8 << 20}), duplex::body::multipart(o),
                       [this](duplex::Request& req, duplex::Response& res) {
                           std::lock_guard<std::mutex> lock(m);
                           seen.clear();
                           for (const auto& [k, v] : req.form_params()) seen += k + "=" + v + ";";
                           for (const auto& f : req.files()) {
                               struct stat st{}, dir{};
                               ::stat(f.path.c_str(), &st);
                               ::stat(std::filesystem::path(f.path).parent_path().c_str(), &dir);
                               seen += f.field + ":" + f.filename + ":" + f.content_type + ":" +
                                       std::to_string(f.size) + ":" + slurp(f.path) + ":" +
                                       std::to_string(st.st_mode & 0777) + "/" + std::to_string(dir.st_mode & 0777) +
                                       ";";
                               temp_path = f.path;
                           }
                           res.send("ok");
                       });
              duplex::body::MultipartOptions large = o;
              large.max_file_bytes = 64 << 20;
              app.post("/big", duplex::body::stream({.max_body_bytes = 64 << 20}), duplex::body::multipart(large),
                       [this](duplex::Request& req, duplex::Response& res) {
                           std::lock_guard<std::mutex> lock(m);
                           temp_path = req.files().at(0).path;
                           res.send(slurp(temp_path) == pattern_bytes(req.files()[0].size, 7) ? "same" : "differs");
                       });
              duplex::body::MultipartOptions cb;
              cb.on_file = [this](duplex::Request&, const duplex::UploadedFile&, std::string_view chunk, bool) {
                  streamed += chunk.size();
              };
              app.post("/cb", duplex::body::stream(), duplex::body::multipart(cb),
                       [](duplex::Request& req, duplex::Response& res) {
                           res.send(std::to_string(req.files().size()) + " " + req.files()[0].path);
                       });
          }) {}
    int port() const { return server.http_port(); }
};

std::string part(const std::string& head, const std::string& data) {
    return "--XyZ\r\nContent-Disposition: form-data; " + head + "\r\n\r\n" + data + "\r\n";
}

std::string request(const std::string& path, const std::string& body, const std::string& type =
                                                                           "multipart/form-data; boundary=XyZ") {
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_SUITE("body_multipart") {

TEST_CASE("fields and files: a private temporary directory, removed when the request ends") {
    UploadServer s;
    RawClient c(s.port());
    const std::string big(300000, 'q');
    const std::string body = part("name=\"title\"", "Hello") +
                              part("name=\"doc\"; filename=\"../../etc/passwd\"\r\nContent-Type: text/plain",
                                   "file --XyZ-ish\r\n-XyZ bytes") +
                              part("name=\"big\"; filename=\"b.bin\"", big) + part("name=\"title\"", "Again") +
                              "--XyZ--\r\n";
    REQUIRE(c.send(request("/up", body)));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    {
        std::lock_guard<std::mutex> lock(s.m);
        const bool same = s.seen == "title=Hello;title=Again;doc:../../etc/passwd:text/plain:26:file --XyZ-ish\r\n-XyZ bytes:"
                                    "384/448;big:b.bin::300000:" + big + ":384/448;";
        CHECK(same);
        if (!same) MESSAGE(s.seen.substr(0, 200));
    }
    // 0600 files in a 0700 directory; gone with the request (the exchange is reused or dropped).
    REQUIRE(c.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(c.read_response());
    std::string gone;
    {
        std::lock_guard<std::mutex> lock(s.m);
        gone = s.temp_path;
    }
    CHECK_FALSE(std::filesystem::exists(gone));
    CHECK(std::filesystem::is_empty(s.tmp.path()));
    CHECK(s.server.stop());
}

TEST_CASE("files to a callback; limits are 413 and a missing boundary 400, the connection closed") {
    UploadServer s;
    {
        RawClient c(s.port());
        REQUIRE(c.send(request("/cb", part("name=\"f\"; filename=\"x\"", std::string(5000, 'z')) + "--XyZ--")));
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->body == "1 ");
        CHECK(s.streamed == 5000);
    }
    // Refused before the body's end: the rest is not read, so the connection closes. Refused after it (a body that
    // ends mid-part): the connection may go on.
    auto refused = [&](const std::string& bytes, int status, bool before_end = true) {
        CAPTURE(status);
        RawClient c(s.port());
        (void)c.send(bytes);
        auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == status);
        if (!before_end) return;
        CHECK(r->header("connection") == "close");
        CHECK(c.wait_closed(3s));
    };
    const std::string f = part("name=\"f\"; filename=\"a\"", "1");
    refused(request("/up", f + f + f + "--XyZ--"), 413);                                          // max_files
    refused(request("/up", part("name=\"f\"; filename=\"a\"", std::string(1100000, 'z'))), 413);  // max_file_bytes
    refused(request("/up", f + "--XyZ--", "multipart/form-data"), 400);                           // no boundary
    refused(request("/up", "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nends mid-part"), 400, false);
    CHECK(std::filesystem::is_empty(s.tmp.path()));
    CHECK(s.server.stop());
}

TEST_CASE("files are written off the loop: a big upload intact and in order; a full disk is 500, files removed") {
    UploadServer s;
    const std::string data = pattern_bytes(24 << 20, 7);  // many times the 1 MiB that pauses the body stream
    const std::string body = part("name=\"f\"; filename=\"big.bin\"", data) + "--XyZ--\r\n";
    {
        RawClient c(s.port());
        REQUIRE(c.send(request("/big", body), 30s));
        auto r = c.read_response(30s);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "same");
        REQUIRE(c.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"));
        REQUIRE(c.read_response());
        CHECK(std::filesystem::is_empty(s.tmp.path()));
    }
    struct DiskFull {
        DiskFull() { duplex::detail::upload_write_errno = ENOSPC; }
        ~DiskFull() { duplex::detail::upload_write_errno = 0; }
    } full;
    {
        RawClient c(s.port());
        const std::string small = part("name=\"f\"; filename=\"f.bin\"", data.substr(0, 3 << 20)) + "--XyZ--\r\n";
        (void)c.send(request("/big", small), 30s);  // the server may stop reading once a write failed
        auto r = c.read_response(30s);
        REQUIRE(r);
        CHECK(r->status == 500);
    }
    CHECK(std::filesystem::is_empty(s.tmp.path()));  // removed before the answer, a write in flight or not
    CHECK(s.server.stop());
}

}  // TEST_SUITE

TEST_SUITE("body_text_raw") {

TEST_CASE("body::text checks type, limit, charset and UTF-8; body::raw type and limit") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.post("/text", duplex::body::text({.limit = 16}), [](duplex::Request& req, duplex::Response& res) {
            res.send("text:" + std::string(req.body()));
        });
        app.post("/raw", duplex::body::raw({.limit = 16}), [](duplex::Request& req, duplex::Response& res) {
            res.send("raw:" + std::to_string(req.body().size()));
        });
        app.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
            res.status(e.status()).send(std::to_string(e.status()));
        });
    });
    auto post = [&](const std::string& path, const std::string& type, const std::string& body) {
        RawClient c(server.http_port());
        REQUIRE(c.send("POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: " + type + "\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
        auto r = c.read_response();
        REQUIRE(r);
        return r->body;
    };
    CHECK(post("/text", "text/plain", "h\xc3\xa9llo") == "text:h\xc3\xa9llo");
    CHECK(post("/text", "text/plain; charset=UTF-8", "ok") == "text:ok");
    CHECK(post("/text", "text/plain; charset=us-ascii", "h\xc3\xa9") == "400");
    CHECK(post("/text", "text/plain", "bad \xff") == "400");
    CHECK(post("/text", "text/plain; charset=latin1", "x") == "415");
    CHECK(post("/text", "text/plain", std::string(17, 'x')) == "413");
    CHECK(post("/text", "application/json", "\xff") == "text:\xff");  // another type passes through unchecked
    CHECK(post("/raw", "application/octet-stream", std::string(16, '\0')) == "raw:16");
    CHECK(post("/raw", "application/octet-stream", std::string(17, '\0')) == "413");
    CHECK(server.stop());
}

}  // TEST_SUITE
