// A client that closes its side first: the server has already seen the EOF, so once its answer is out it closes
// at once instead of lingering for an EOF that came. A connect-and-close storm must not hold a descriptor per
// connection for the linger (2 s), or it runs the server out of descriptors.
#include "support/proc_stats.h"
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kClients = 50;
enum class Before { nothing, response, half_close };
}  // namespace

TEST_SUITE("http_peer_close") {
TEST_CASE("descriptors come back at once when clients close first: idle, after a response, half-closed") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/hi", [](duplex::Request&, duplex::Response& res) { res.send("hi"); });
    });
    REQUIRE(server.http_port() > 0);
    const int baseline = open_fd_count();
    for (const Before before : {Before::nothing, Before::response, Before::half_close}) {
        CAPTURE(static_cast<int>(before));
        std::vector<RawClient> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.emplace_back(server.http_port());
            REQUIRE(clients.back().connected());
        }
        for (RawClient& c : clients) {
            if (before == Before::nothing) continue;
            REQUIRE(c.send("GET /hi HTTP/1.1\r\nHost: t\r\n\r\n"));
            if (before == Before::half_close) c.shutdown_write();  // the answer must still come
            auto r = c.read_response();
            REQUIRE(r);
            CHECK(r->body == "hi");
            if (before == Before::half_close) CHECK(c.wait_closed(1s));  // then the server's EOF
        }
        const auto start = Clock::now();
        clients.clear();  // every client closes its end (FIN)
        // Each server-side descriptor, and ours, gone well within the 2 s linger.
        CHECK(wait_fd_count_at_most(baseline, 3s) <= baseline);
        CHECK(Clock::now() - start < 1s);
    }
    CHECK(server.stop());
}
}
