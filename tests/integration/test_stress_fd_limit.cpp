// A connection flood past the file-descriptor limit. With RLIMIT_NOFILE lowered to 256, accept() fails with
// EMFILE once the server's descriptors run out: the loop must not spin on the still-readable listening socket
// (CPU over a second of flood stays far below a second), connections already open keep working, and accepts
// work again once descriptors are freed.
#include "support/health_probe.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace testing_support;

namespace {

constexpr rlim_t low_limit = 256;
// Client sockets are created before the limit drops and moved above it (descriptors over the limit stay
// usable), so that only the server runs out.
constexpr int client_fd_floor = 1024;

// Lowers the soft RLIMIT_NOFILE for the scope; restores it on the way out, assertions failing or not.
class FdLimit {
public:
    explicit FdLimit(rlim_t soft) {
        getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit l = saved_;
        l.rlim_cur = soft;
        ok_ = setrlimit(RLIMIT_NOFILE, &l) == 0;
    }
    ~FdLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
    bool ok() const { return ok_; }

private:
    rlimit saved_{};
    bool ok_ = false;
};

// Nonblocking client sockets numbered from client_fd_floor up, closed by the destructor.
class HighSockets {
public:
    explicit HighSockets(int n) {
        for (int i = 0; i < n; ++i) {
            int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (s < 0) break;
            int high = ::fcntl(s, F_DUPFD_CLOEXEC, client_fd_floor);
            ::close(s);
            if (high < 0) break;
            fds_.push_back(high);
        }
    }
    ~HighSockets() { close_all(); }
    HighSockets(const HighSockets&) = delete;
    HighSockets& operator=(const HighSockets&) = delete;

    std::size_t size() const { return fds_.size(); }
    // Starts connecting sockets [from, to) to the port (nonblocking: EINPROGRESS).
    void connect(std::size_t from, std::size_t to, int port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        for (std::size_t i = from; i < to && i < fds_.size(); ++i)
            ::connect(fds_[i], reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    void close_all() {
        for (int fd : fds_) ::close(fd);
        fds_.clear();
    }

private:
    std::vector<int> fds_;
};

}  // namespace

TEST_SUITE("stress_fd_limit") {

TEST_CASE("a flood past RLIMIT_NOFILE: no busy loop on EMFILE, open connections served, accepts resume") {
    constexpr int flood = 600;  // well past the ~240 descriptors left to the server
    ServerThread server(
        [](duplex::App& app, duplex::WsServer&) {
            app.get("/ping", [](duplex::Request&, duplex::Response& res) { res.send("pong"); });
        },
        {}, false);
    REQUIRE(server.http_port() > 0);
    HealthProbe probe(http_get_check(server.http_port(), "/ping", "pong"));  // connected before the limit
    REQUIRE(wait_until([&] { return probe.ok() > 0; }));
    auto base = begin_load();
    HighSockets clients(flood);
    REQUIRE(clients.size() == static_cast<std::size_t>(flood));
    {
        FdLimit limit(low_limit);
        REQUIRE(limit.ok());
        REQUIRE(base.fds < static_cast<int>(low_limit) - 100);  // room for the server to fill first
        // The flood: a burst of 400, then 20 more every 50 ms while the CPU time of the process is measured.
        clients.connect(0, 400, server.http_port());
        std::this_thread::sleep_for(200ms);  // the server fills its descriptors, then meets EMFILE
        double cpu0 = process_cpu_ms();
        auto t0 = std::chrono::steady_clock::now();
        for (std::size_t next = 400; next < clients.size(); next += 20) {
            clients.connect(next, next + 20, server.http_port());
            std::this_thread::sleep_for(100ms);
        }
        double cpu_ms = process_cpu_ms() - cpu0;
        double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        MESSAGE("CPU over " << wall_ms << " ms of flood: " << cpu_ms << " ms");
        CHECK(cpu_ms < 0.25 * wall_ms);  // a loop spinning on EMFILE would burn one core: ~wall_ms
        // The server did reach the limit (the clients' descriptors are all above it).
        CHECK(open_fd_count() - static_cast<int>(clients.size()) >= static_cast<int>(low_limit) - 8);
        CHECK(probe.failed() == 0);

        clients.close_all();  // the server sees EOF on what it accepted and frees its descriptors
        CHECK(wait_fd_count_at_most(base.fds, 10s) <= base.fds);
        // Accepts work again, still under the low limit.
        auto r = http_request(server.http_port(), "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "pong");
    }
    CHECK(probe.ok() > 0);
    CHECK(probe.failed() == 0);
    probe.stop();
    expect_back_to_baseline(base, "connection flood past RLIMIT_NOFILE");
    CHECK(server.stop());
}

}  // TEST_SUITE
