#include "duplex/metrics.h"

#include "metrics/http_counters.h"
#include "metrics/route_names.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

TEST_CASE("metrics: a registry's counters, gauges and histograms read back in a snapshot") {
    duplex::MetricsRegistry reg;
    duplex::Counter& orders = reg.counter("shop_orders_total", "Orders", {{"kind", "book"}});
    CHECK(&reg.counter("shop_orders_total", "Orders", {{"kind", "book"}}) == &orders);
    orders.inc();
    orders.inc(2);
    reg.counter("shop_orders_total", "Orders", {{"kind", "pen"}}).inc();
    reg.gauge("shop_queue", "Queue length").set(4);
    duplex::Histogram& h = reg.histogram("shop_size", "Sizes", {1, 10});
    h.observe(0.5);
    h.observe(5);
    h.observe(50);
    CHECK_THROWS_AS(reg.gauge("shop_orders_total", "x", {{"kind", "book"}}), std::invalid_argument);

    const duplex::MetricsSnapshot s = reg.snapshot();
    CHECK(s.value("shop_orders_total", {{"kind", "book"}}) == 3);
    CHECK(s.total("shop_orders_total") == 4);
    CHECK(s.value("shop_queue") == 4);
    REQUIRE(s.find("shop_size"));
    CHECK(s.find("shop_size")->buckets == std::vector<std::uint64_t>{1, 1, 1});
    CHECK(s.find("shop_size")->sum == doctest::Approx(55.5));
}

TEST_CASE("metrics: snapshots merge by name and labels (several loops summed)") {
    duplex::MetricsRegistry a, b;
    a.counter("x_total", "x", {{"k", "1"}}).inc(2);
    b.counter("x_total", "x", {{"k", "1"}}).inc(3);
    b.counter("x_total", "x", {{"k", "2"}}).inc(1);
    a.histogram("h", "h", {1}).observe(0.5);
    b.histogram("h", "h", {1}).observe(2);
    duplex::MetricsSnapshot s = a.snapshot();
    s.merge(b.snapshot());
    CHECK(s.value("x_total", {{"k", "1"}}) == 5);
    CHECK(s.value("x_total", {{"k", "2"}}) == 1);
    CHECK(s.find("h")->buckets == std::vector<std::uint64_t>{1, 1});
    CHECK(s.find("h")->count == 2);
}

TEST_CASE("metrics: Prometheus text and JSON forms") {
    duplex::MetricsRegistry reg;
    reg.counter("req_total", "Requests \\ served\nnow", {{"path", "a\"b\\c\nd"}}).inc(7);
    reg.histogram("lat_seconds", "Latency", {0.5, 1}).observe(0.75);
    const duplex::MetricsSnapshot s = reg.snapshot();
    const std::string text = s.prometheus();
    CHECK(text == "# HELP req_total Requests \\\\ served\\nnow\n"
                  "# TYPE req_total counter\n"
                  "req_total{path=\"a\\\"b\\\\c\\nd\"} 7\n"
                  "# HELP lat_seconds Latency\n"
                  "# TYPE lat_seconds histogram\n"
                  "lat_seconds_bucket{le=\"0.5\"} 0\n"
                  "lat_seconds_bucket{le=\"1\"} 1\n"
                  "lat_seconds_bucket{le=\"+Inf\"} 1\n"
                  "lat_seconds_sum 0.75\n"
                  "lat_seconds_count 1\n");
    const auto j = nlohmann::json::parse(s.json());
    CHECK(j["req_total"]["type"] == "counter");
    CHECK(j["req_total"]["series"][0]["value"] == 7);
    CHECK(j["lat_seconds"]["series"][0]["buckets"][2][0] == "+Inf");
    CHECK(j["lat_seconds"]["series"][0]["buckets"][1][1] == 1);
}

TEST_CASE("metrics: route names join mount prefixes; HTTP counters label by route, method and class") {
    using namespace duplex::detail;
    const std::uint32_t api = route_id("/api");
    const std::uint32_t hello = route_id("/hello/:name");
    CHECK(route_id("/api") == api);
    const std::uint32_t joined = route_join(api, hello);
    CHECK(route_name(joined) == "/api/hello/:name");
    CHECK(route_name(route_join(route_id("/v1/"), route_id("/x"))) == "/v1/x");
    CHECK(route_name(route_join(route_id("/"), hello)) == "/hello/:name");
    RouteJoinCache cache;
    CHECK(cache.join(api, hello) == joined);
    CHECK(cache.join(api, hello) == joined);

    HttpCounters c;
    c.on_response(joined, "GET", 200, 300'000, 10);
    c.on_response(joined, "GET", 503, 2'000'000'000, 0);
    c.on_response(0, "BREW", 404, 1, 0);
    duplex::MetricsSnapshot s;
    c.collect(s);
    CHECK(s.value("duplex_http_requests_total",
                  {{"method", "GET"}, {"route", "/api/hello/:name"}, {"status", "2xx"}}) == 1);
    CHECK(s.value("duplex_http_requests_total", {{"method", "other"}, {"route", "(none)"}, {"status", "4xx"}}) == 1);
    CHECK(s.value("duplex_http_errors_total", {{"kind", "server"}}) == 1);
    CHECK(s.value("duplex_http_response_body_bytes_total") == 10);
    const duplex::MetricSeries* lat = s.find("duplex_http_request_duration_seconds");
    REQUIRE(lat);
    CHECK(lat->count == 3);
    CHECK(lat->buckets[0] == 1);   // 1 ns
    CHECK(lat->buckets[4] == 1);   // 0.3 ms: (0.25, 0.5] ms
    CHECK(lat->buckets[15] == 1);  // 2 s: (1, 2.5] s
}
