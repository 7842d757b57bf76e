// Graceful shutdown through a real server: in-flight responses finish, idle keep-alive connections are closed
// at once, new connections are refused, and the loop returns within HttpOptions::shutdown_timeout even when a
// handler never answers.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

using namespace testing_support;

namespace {

using Clock = std::chrono::steady_clock;

// /late answers after 300 ms; /never keeps its Response and never answers.
struct Fixture {
    std::atomic<int> late_started{0}, never_started{0};
    std::optional<duplex::Response> never;  // loop thread only
    ServerThread server;
    explicit Fixture(duplex::HttpOptions opt = {})
        : server(
              [this](duplex::App& app, duplex::WsServer&) {
                  app.get("/late", [this, &app](duplex::Request&, duplex::Response& res) {
                      ++late_started;
                      app.loop().set_timeout(std::chrono::milliseconds(300), [res]() mutable { res.send("done late"); });
                  });
                  app.get("/never", [this](duplex::Request&, duplex::Response& res) {
                      never = res;
                      ++never_started;
                  });
                  app.get("/quick", [](duplex::Request&, duplex::Response& res) { res.send("quick"); });
              },
              opt) {}
};

// Runs stop() on another thread so the test can keep talking to the server while it shuts down.
struct Stopper {
    std::atomic<bool> done{false}, clean{false};
    std::thread t;
    explicit Stopper(ServerThread& s, std::chrono::milliseconds bound) : t([&s, bound, this] {
        clean = s.stop(bound);
        done = true;
    }) {}
    ~Stopper() { t.join(); }
};

}  // namespace

TEST_SUITE("http_shutdown") {

TEST_CASE("in-flight responses finish, idle connections close, new connections are refused") {
    Fixture f;
    int port = f.server.http_port();
    RawClient idle(port);
    REQUIRE(idle.send("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(idle.read_response());
    RawClient busy(port);
    REQUIRE(busy.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto deadline = Clock::now() + 2s;
    while (f.late_started == 0 && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
    REQUIRE(f.late_started == 1);

    auto started = Clock::now();
    {
        Stopper stop(f.server, 5s);
        CHECK(idle.wait_closed(1s));  // closed at once, not after the slow one
        CHECK(Clock::now() - started < 250ms);

        auto r = busy.read_response(2s);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "done late");
        CHECK(r->header("connection") == "close");
        CHECK(busy.wait_closed(1s));
        busy.close();  // as a real client does on EOF; the server lingers for it otherwise

        auto until = Clock::now() + 2s;
        while (!stop.done && Clock::now() < until) std::this_thread::sleep_for(5ms);
        CHECK(stop.done);
        CHECK(stop.clean);
    }
    CHECK(Clock::now() - started < 1s);
    RawClient refused;
    CHECK_FALSE(refused.connect(port));
}

TEST_CASE("a response that never comes does not hold the loop beyond shutdown_timeout") {
    duplex::HttpOptions opt;
    opt.shutdown_timeout = 300ms;
    Fixture f(opt);
    RawClient c(f.server.http_port());
    REQUIRE(c.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto deadline = Clock::now() + 2s;
    while (f.never_started == 0 && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
    REQUIRE(f.never_started == 1);
    auto started = Clock::now();
    CHECK(f.server.stop(3s));
    auto took = Clock::now() - started;
    CHECK(took >= 250ms);
    CHECK(took < 1500ms);
    CHECK(c.wait_closed(1s));
    f.never.reset();  // the loop is gone: dropping the handle must be a quiet no-op
}

TEST_CASE("a request arriving during shutdown on a busy connection is not started") {
    Fixture f;
    RawClient c(f.server.http_port());
    REQUIRE(c.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto deadline = Clock::now() + 2s;
    while (f.late_started == 0 && Clock::now() < deadline) std::this_thread::sleep_for(2ms);
    Stopper stop(f.server, 5s);
    std::this_thread::sleep_for(50ms);
    c.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n");
    auto r = c.read_response(2s);
    REQUIRE(r);
    CHECK(r->body == "done late");
    CHECK(c.wait_closed(1s));
    c.close();
    CHECK(f.late_started == 1);
}

}  // TEST_SUITE
