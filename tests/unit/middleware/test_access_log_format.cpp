#include "duplex/access_log.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

duplex::AccessRecord sample() {
    duplex::AccessRecord r;
    r.remote = "127.0.0.1:51000";
    r.method = "GET";
    r.url = "/api/hello/x?y=1";
    r.status = 200;
    r.body_bytes = 15;
    r.ms = 0.4126;
    r.referrer = "http://a.example/";
    r.user_agent = "curl/7.88 \"q\"";
    r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'796'292'081'123));  // 2026-12-03
    return r;
}

std::string line(duplex::AccessLogFormat f, const duplex::AccessRecord& r) {
    std::string out;
    duplex::format_access_line(out, f, r);
    return out;
}

}  // namespace

TEST_CASE("access log: morgan's combined, common, tiny and dev lines") {
    using F = duplex::AccessLogFormat;
    const auto r = sample();
    CHECK(line(F::combined, r) == "127.0.0.1 - - [03/Dec/2026:10:01:21 +0000] \"GET /api/hello/x?y=1 HTTP/1.1\" 200 15 "
                                  "\"http://a.example/\" \"curl/7.88 \\\"q\\\"\"\n");
    CHECK(line(F::common, r) == "127.0.0.1 - - [03/Dec/2026:10:01:21 +0000] \"GET /api/hello/x?y=1 HTTP/1.1\" 200 15\n");
    CHECK(line(F::tiny, r) == "GET /api/hello/x?y=1 200 15 - 0.413 ms\n");
    CHECK(line(F::dev, r) == "\x1b[0mGET /api/hello/x?y=1 \x1b[32m200\x1b[0m 0.413 ms - 15\x1b[0m\n");
    auto e = r;
    e.status = 503;
    e.body_bytes = 0;
    e.remote = "[::1]:9";
    e.http_minor = 0;
    CHECK(line(F::dev, e) == "\x1b[0mGET /api/hello/x?y=1 \x1b[31m503\x1b[0m 0.413 ms - -\x1b[0m\n");
    CHECK(line(F::common, e) == "::1 - - [03/Dec/2026:10:01:21 +0000] \"GET /api/hello/x?y=1 HTTP/1.0\" 503 -\n");
}

TEST_CASE("access log: JSON lines, and a header with control bytes stays on one line") {
    auto r = sample();
    r.user_agent = "evil\r\nagent\xff";
    const std::string json_line = line(duplex::AccessLogFormat::json, r);
    REQUIRE(json_line.back() == '\n');
    CHECK(json_line.find('\n') == json_line.size() - 1);
    const auto j = nlohmann::json::parse(json_line);
    CHECK(j["time"] == "2026-12-03T10:01:21.123Z");
    CHECK(j["remote"] == "127.0.0.1");
    CHECK(j["status"] == 200);
    CHECK(j["bytes"] == 15);
    CHECK(j["ms"] == doctest::Approx(0.413));
    CHECK(j["http"] == "1.1");
    const std::string combined = line(duplex::AccessLogFormat::combined, r);
    CHECK(combined.find('\n') == combined.size() - 1);
    CHECK(combined.find("\"evil\\x0d\\x0aagent\xff\"") != std::string::npos);
}
