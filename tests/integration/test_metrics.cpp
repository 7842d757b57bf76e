// The built-in metrics of a running App and WsServer, read back through metrics_endpoint: labels by route pattern
// (mount prefixes joined, never the raw path), status classes, errors, WebSocket counts; the Prometheus text is
// checked by promtool (Debian's prometheus package).
#include "support/process.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/temp_dir.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace testing_support;

namespace {

std::string get(int port, const std::string& target) {
    auto r = http_request(port, "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(r);
    return std::to_string(r->status) + " " + r->body;
}

// The value of one series in the metrics JSON (0 when absent).
double series_value(const nlohmann::json& doc, const std::string& name, const nlohmann::json& labels) {
    if (!doc.contains(name)) return 0;
    for (const auto& s : doc[name]["series"])
        if (s["labels"] == labels) return s.contains("value") ? s["value"].get<double>() : s["count"].get<double>();
    return 0;
}

// Events the logger receives (from the loop thread) while it lives; then the default sink is back.
struct LogCapture {
    std::mutex mutex;
    std::vector<std::pair<duplex::LogLevel, std::string>> events;
    LogCapture() {
        duplex::set_log_sink([this](duplex::LogLevel level, std::string_view m) {
            std::lock_guard<std::mutex> lock(mutex);
            events.emplace_back(level, m);
        });
    }
    ~LogCapture() { duplex::set_log_sink({}); }
};

}  // namespace

TEST_CASE("metrics: HTTP and WebSocket built-ins, as Prometheus text (promtool) and JSON") {
    ServerThread server([](duplex::App& app, duplex::WsServer& wss) {
        duplex::Router api;
        api.get("/users/:id", [](duplex::Request& req, duplex::Response& res) { res.send(req.route_pattern()); });
        api.get("/boom", [](duplex::Request&, duplex::Response&) { throw duplex::Error(503, "down"); });
        app.use("/api", api);
        auto both = [&app, &wss] {
            duplex::MetricsSnapshot s = app.metrics().snapshot();
            s.merge(wss.metrics().snapshot());
            return s;
        };
        app.get("/metrics", duplex::metrics_endpoint(both));
        app.get("/metrics.json", duplex::metrics_endpoint(both, duplex::MetricsFormat::json));
        app.metrics().counter("app_orders_total", "Orders placed", {{"kind", "book"}}).inc(3);
        wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
        wss.route("/chat", {.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("room"); },
                            .onmessage = [&wss](duplex::WebSocket&, const duplex::Message& m) {
                                wss.publish("room", m.data);
                            }});
    });
    // The library's own message about the 5xx goes through the logger: captured here, then the default is back.
    LogCapture log;
    const int port = server.http_port();
    CHECK(get(port, "/api/users/1") == "200 /api/users/:id");
    CHECK(get(port, "/api/users/2").rfind("200", 0) == 0);
    CHECK(get(port, "/api/boom").rfind("503", 0) == 0);
    CHECK(get(port, "/nowhere").rfind("404", 0) == 0);
    {
        std::lock_guard<std::mutex> lock(log.mutex);
        REQUIRE(log.events.size() == 1);
        CHECK(log.events[0].first == duplex::LogLevel::error);
        CHECK(log.events[0].second == "duplex: GET /api/boom -> 503: down");
    }
    {
        auto bad = http_request(port, "GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n");
        REQUIRE(bad);
        CHECK(bad->status == 400);
    }
    {
        WsRawClient echo(server.ws_port());
        REQUIRE(echo.open("/echo"));
        WsRawClient chat(server.ws_port());
        REQUIRE(chat.open("/chat"));
        for (int i = 0; i < 3; ++i) {
            REQUIRE(echo.send_text("hello"));
            CHECK(echo.read_message() == "hello");
        }
        REQUIRE(chat.send_text("hi all"));
        CHECK(chat.read_message() == "hi all");
        const auto doc = nlohmann::json::parse(get(port, "/metrics.json").substr(4));
        CHECK(series_value(doc, "duplex_ws_open_connections", nlohmann::json::object()) == 2);
        CHECK(series_value(doc, "duplex_ws_topics", nlohmann::json::object()) == 1);
    }

    const auto doc = nlohmann::json::parse(get(port, "/metrics.json").substr(4));
    using J = nlohmann::json;
    CHECK(series_value(doc, "duplex_http_requests_total",
                       J{{"method", "GET"}, {"route", "/api/users/:id"}, {"status", "2xx"}}) == 2);
    CHECK(series_value(doc, "duplex_http_requests_total",
                       J{{"method", "GET"}, {"route", "/api/boom"}, {"status", "5xx"}}) == 1);
    // The 404 and the parser's 400: neither matched a route.
    CHECK(series_value(doc, "duplex_http_requests_total",
                       J{{"method", "GET"}, {"route", "(none)"}, {"status", "4xx"}}) == 2);
    CHECK(series_value(doc, "duplex_http_errors_total", J{{"kind", "server"}}) == 1);
    CHECK(series_value(doc, "duplex_http_errors_total", J{{"kind", "parse"}}) == 1);
    CHECK(series_value(doc, "duplex_http_request_duration_seconds", J::object()) >= 5);
    CHECK(series_value(doc, "duplex_ws_connections_total", J::object()) == 2);
    CHECK(series_value(doc, "duplex_ws_messages_total", J{{"direction", "in"}}) == 4);
    CHECK(series_value(doc, "duplex_ws_messages_total", J{{"direction", "out"}}) == 4);
    CHECK(series_value(doc, "duplex_ws_bytes_total", J{{"direction", "in"}}) == 3 * 5 + 6);
    CHECK(series_value(doc, "duplex_ws_publish_deliveries_total", J::object()) == 1);
    CHECK(series_value(doc, "app_orders_total", J{{"kind", "book"}}) == 3);
    CHECK(doc.dump().find("/api/users/1") == std::string::npos);  // the raw path never becomes a label

    auto text = http_request(port, "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(text);
    CHECK(text->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(text->body.find("duplex_http_requests_total{method=\"GET\",route=\"/api/users/:id\",status=\"2xx\"} 2\n") !=
          std::string::npos);
    if (!have_program("promtool")) DUPLEX_SKIP("promtool (Debian package prometheus) is not installed");
    TempDir dir;
    const std::string file = dir.write("metrics.txt", text->body);
    // Not a structured binding: clang 14 cannot capture one in INFO.
    const std::pair<int, std::string> check =
        run_command({"sh", "-c", "promtool check metrics < \"$0\"", file}, 30s, true);
    INFO(check.second);
    CHECK(check.first == 0);
}

TEST_CASE("access log: pipelined requests read in one turn reach the sink as one batch of lines") {
    std::vector<std::string> batches;  // loop thread only; read through run_on_loop
    ServerThread server([&batches](duplex::App& app, duplex::WsServer&) {
        app.use(duplex::access_log({.format = duplex::AccessLogFormat::common,
                                    .sink = [&batches](std::string_view lines) { batches.emplace_back(lines); }}));
        app.get("/a/:n", [](duplex::Request& req, duplex::Response& res) { res.send(req.param("n")); });
    }, {}, false);
    const std::string one = "GET /a/1 HTTP/1.1\r\nHost: t\r\n\r\n";
    auto r = http_request(server.http_port(), one + "GET /a/22 HTTP/1.1\r\nHost: t\r\n\r\n" +
                                                  "GET /a/333 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    REQUIRE(r);
    std::vector<std::string> seen;
    for (int i = 0; i < 100 && seen.empty(); ++i) {
        REQUIRE(server.run_on_loop([&] { seen = batches; }));
        if (seen.empty()) std::this_thread::sleep_for(20ms);
    }
    REQUIRE(seen.size() == 1);
    const std::string& b = seen[0];
    CHECK(std::count(b.begin(), b.end(), '\n') == 3);
    CHECK(b.find("\"GET /a/1 HTTP/1.1\" 200 1\n") != std::string::npos);
    CHECK(b.find("\"GET /a/22 HTTP/1.1\" 200 2\n") != std::string::npos);
    CHECK(b.find("\"GET /a/333 HTTP/1.1\" 200 3\n") != std::string::npos);
    CHECK(b.rfind("127.0.0.1 - - [", 0) == 0);
}
