// The Redis bridge (duplex/redis_bridge.h) against a real redis-server the tests start: three demo processes
// sharing one /ws chat (every message to every client exactly once, in order per sender); Redis killed mid-stream
// (local delivery goes on) and restarted (cross-process delivery back within 2 s); a flood of publishes while it is
// down (dropped and counted, never queued: memory stays bounded); and the failures a user must be told about
// through the state hook: a wrong password, nobody listening, a server speaking something else, a connection
// dropped in the middle of a reply.
#include "support/demo_process.h"
#include "support/proc_stats.h"
#include "support/raw_client.h"
#include "support/redis_server.h"
#include "support/server_thread.h"
#include "support/skip.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

// A demo process attached to Redis; ready once it said "Redis connected".
struct RedisDemo {
    DemoProcess demo;
    explicit RedisDemo(const std::string& url) : demo({"--quiet", "--redis", url}) {}
    bool connected() {
        if (!demo.ready()) return false;
        auto line = demo.process().read_line(10s);
        return line && *line == "Redis connected";
    }
};

// A /ws client past its greeting.
std::unique_ptr<WsRawClient> chat_client(int port) {
    auto c = std::make_unique<WsRawClient>(port);
    if (!c->open("/ws") || c->read_message() != "world") return nullptr;
    return c;
}

// The states a bridge reported, kept for the test thread.
struct StateLog {
    std::mutex m;
    std::vector<duplex::RedisStatus> seen;
    void add(const duplex::RedisStatus& s) {
        std::lock_guard lock(m);
        seen.push_back(s);
    }
    // The first report of `state` whose reason contains `text`, waited for up to the bound.
    std::optional<duplex::RedisStatus> wait_for(duplex::RedisState state, const std::string& text,
                                                std::chrono::milliseconds bound = 10s) {
        const auto end = std::chrono::steady_clock::now() + bound;
        while (std::chrono::steady_clock::now() < end) {
            {
                std::lock_guard lock(m);
                for (const auto& s : seen)
                    if (s.state == state && s.reason.find(text) != std::string::npos) return s;
            }
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }
};

// A server whose bridge reports to a StateLog; the bridge goes before the servers.
struct BridgedServer {
    StateLog log;
    std::unique_ptr<duplex::RedisBridge> bridge;
    ServerThread server;
    explicit BridgedServer(const std::string& url)
        : server([&](duplex::App&, duplex::WsServer& wss) {
              wss.route("/ws", {.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("t"); }});
              bridge = std::make_unique<duplex::RedisBridge>(wss, duplex::RedisBridgeOptions{
                  .url = url,
                  .min_backoff = 20ms,
                  .max_backoff = 200ms,
                  .on_state = [this](const duplex::RedisStatus& s) { log.add(s); },
              });
          }) {}
    ~BridgedServer() { server.run_on_loop([this] { bridge.reset(); }); }
};

// A fake "Redis" on a free port: each connection it accepts gets `answer` once the client has written something,
// and is then closed (close_after) or held until the fake goes.
class FakeRedis {
public:
    FakeRedis(std::string answer, bool close_after) {
        sockaddr_in a{};
        fd_ = loopback_socket(a, 16);
        REQUIRE(fd_ >= 0);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this, answer = std::move(answer), close_after] {
            std::vector<RawClient> held;
            const auto end = std::chrono::steady_clock::now() + 30s;
            while (!stop_ && std::chrono::steady_clock::now() < end) {
                timeval tv{0, 20000};
                fd_set set;
                FD_ZERO(&set);
                FD_SET(fd_, &set);
                if (::select(fd_ + 1, &set, nullptr, nullptr, &tv) <= 0) continue;
                RawClient conn = RawClient::adopt(::accept(fd_, nullptr, nullptr));
                if (conn.recv_some(2s).empty()) continue;
                if (!answer.empty()) conn.send(answer);
                if (!close_after) held.push_back(std::move(conn));
            }
        });
    }
    ~FakeRedis() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Message i of a flood: every 8th between 1 KiB and 64 KiB, the others a few hundred bytes.
std::size_t flood_size(std::size_t i) { return i % 8 == 0 ? 1024 + (i * 7919) % (63 * 1024 + 1) : 200 + (i * 31) % 800; }

// Its first 8 bytes: i in decimal.
void put_seq(char* out, std::size_t i) {
    for (int k = 7; k >= 0; --k, i /= 10) out[k] = static_cast<char>('0' + i % 10);
}

}  // namespace

TEST_SUITE("redis") {
TEST_CASE("redis bridge: three demos share one chat, every message once to every client, in order per sender") {
    RedisServer redis;
    if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
    std::vector<std::unique_ptr<RedisDemo>> demos;
    for (int i = 0; i < 3; ++i) {
        demos.push_back(std::make_unique<RedisDemo>(redis.url()));
        REQUIRE(demos.back()->connected());
    }
    std::vector<std::unique_ptr<WsRawClient>> clients;
    for (auto& d : demos)
        for (int k = 0; k < 2; ++k) {
            clients.push_back(chat_client(d->demo.ws_port()));
            REQUIRE(clients.back());
        }
    REQUIRE(redis.wait_subscribers("duplex:chat", 3));  // one subscription per process, not per client
    constexpr int kPerClient = 25;
    for (int j = 0; j < kPerClient; ++j)
        for (std::size_t i = 0; i < clients.size(); ++i) {
            std::string text = "c";  // appended: "c" + ... trips GCC 12 -O3 -Wrestrict (gcc_restrict_bug.h)
            text.append(std::to_string(i)).append(" ").append(std::to_string(j));
            REQUIRE(clients[i]->send_text(text));
        }
    for (std::size_t r = 0; r < clients.size(); ++r) {
        std::map<int, int> next;  // sender -> the sequence number expected next
        for (std::size_t n = 0; n < clients.size() * kPerClient; ++n) {
            auto m = clients[r]->read_message(10s);
            REQUIRE_MESSAGE(m, "client " << r << " got " << n << " messages");
            const int sender = std::stoi(m->substr(1)), seq = std::stoi(m->substr(m->find(' ') + 1));
            CHECK_MESSAGE(seq == next[sender], "client " << r << ": from c" << sender);
            next[sender] = seq + 1;
        }
        CHECK(!clients[r]->read_message(200ms));  // and nothing more: no message twice
    }
    // The bridge's connections do not keep the loop alive: SIGTERM still ends each demo, with 0 (the clients go
    // first, or each demo would wait out its close_timeout for their Close frames).
    clients.clear();
    for (auto& d : demos) {
        d->demo.process().signal(SIGTERM);
        CHECK(d->demo.process().wait(10s) == 0);
    }
}

TEST_CASE("redis bridge: demo --redis with a malformed URL exits 2 and says why") {
    auto [rc, out] = run_command({build_root() + "/apps/demo/demo", "--http-port", "0", "--ws-port", "0",
                                  "--static", source_root() + "/static", "--redis", "redis://user:pw@127.0.0.1:6379"},
                                 10s, true);
    CHECK(rc == 2);
    CHECK(out.find("user names are not supported") != std::string::npos);
}

TEST_CASE("redis bridge: Redis killed mid-stream, local delivery goes on; restarted, other processes hear again") {
    RedisServer redis;
    if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
    RedisDemo a(redis.url()), b(redis.url());
    REQUIRE(a.connected());
    REQUIRE(b.connected());
    auto sender = chat_client(a.demo.ws_port()), local = chat_client(a.demo.ws_port()),
         remote = chat_client(b.demo.ws_port());
    REQUIRE((sender && local && remote));
    REQUIRE(redis.wait_subscribers("duplex:chat", 2));
    REQUIRE(sender->send_text("before"));
    CHECK(local->read_message() == "before");
    CHECK(remote->read_message() == "before");

    redis.stop();
    for (int i = 0; i < 20; ++i) {  // no gap for the clients of the publishing process
        REQUIRE(sender->send_text("down " + std::to_string(i)));
        CHECK(local->read_message() == "down " + std::to_string(i));
        std::this_thread::sleep_for(10ms);
    }
    REQUIRE(redis.start());
    const auto reachable = std::chrono::steady_clock::now();
    // Publish every 50 ms until the other process's client hears one; it must within 2 s.
    std::optional<std::string> heard;
    for (int i = 0; !heard && std::chrono::steady_clock::now() - reachable < 5s; ++i) {
        REQUIRE(sender->send_text("after " + std::to_string(i)));
        heard = remote->read_message(50ms);
    }
    const auto took = std::chrono::steady_clock::now() - reachable;
    REQUIRE(heard);
    CHECK(heard->rfind("after ", 0) == 0);
    CHECK_MESSAGE(took <= 2s, std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    // Nothing published while Redis was down arrived late.
    for (auto m = remote->read_message(300ms); m; m = remote->read_message(300ms)) CHECK(m->rfind("after ", 0) == 0);
}

TEST_CASE("redis bridge: a flood while Redis is down is dropped and counted, never queued: memory stays bounded, "
          "every message reaches the local subscriber") {
    RedisServer redis;
    if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
    BridgedServer s(redis.url());
    REQUIRE(s.log.wait_for(duplex::RedisState::Connected, ""));
    WsRawClient local(s.server.ws_port());
    REQUIRE(local.open("/ws"));
    redis.stop();
    REQUIRE(s.log.wait_for(duplex::RedisState::Reconnecting, ""));  // publishes from now on find no connection

    // Publishes messages [next, end) on the server's loop, about 1 MiB per turn, each turn read back whole by the
    // local subscriber before the next: what the server holds for it stays small, so what grows is the bridge's.
    std::string buffer(64 * 1024, 'x');
    std::size_t next = 0, wrong = 0, missed = 0;
    auto flood = [&](std::size_t end) {
        while (next < end) {
            const std::size_t first = next;
            REQUIRE(s.server.run_on_loop([&] {
                for (std::size_t bytes = 0; next < end && bytes < (1u << 20); ++next) {
                    put_seq(buffer.data(), next);
                    const std::string_view m(buffer.data(), flood_size(next));
                    if (s.server.wss().publish("t", m) != 1) ++missed;
                    bytes += m.size();
                }
            }));
            char seq[8];
            for (std::size_t i = first; i < next; ++i) {
                auto m = local.read_message(10s);
                REQUIRE_MESSAGE(m, "message " << i << " did not arrive");
                put_seq(seq, i);
                if (m->size() != flood_size(i) || m->compare(0, sizeof seq, seq, sizeof seq) != 0) ++wrong;
            }
        }
    };
    constexpr std::size_t kWarmup = 2000, kTotal = 42000;  // the flood: 40,000 messages, ~180 MiB
    flood(kWarmup);  // every size once: the buffers the flood needs exist before the baseline
    duplex::RedisBridgeStats before, after;
    REQUIRE(s.server.run_on_loop([&] { before = s.bridge->stats(); }));
    const long rss_before = static_cast<long>(trimmed_rss_kib());
    reset_peak_rss();
    const auto started = std::chrono::steady_clock::now();
    flood(kTotal);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    const long peak = static_cast<long>(peak_rss_kib()), rss_after = static_cast<long>(trimmed_rss_kib());
    REQUIRE(s.server.run_on_loop([&] { after = s.bridge->stats(); }));
    std::size_t flood_bytes = 0;
    for (std::size_t i = kWarmup; i < kTotal; ++i) flood_bytes += flood_size(i);
    MESSAGE((kTotal - kWarmup) << " messages, " << flood_bytes / 1024 << " KiB in " << took.count() << " ms; RSS "
            << rss_before << " KiB before, peak " << peak << ", after " << rss_after << "; dropped "
            << (after.dropped - before.dropped));

    CHECK(missed == 0);  // local delivery went on: every publish reached the subscriber, intact and in order
    CHECK(wrong == 0);
    CHECK(after.dropped - before.dropped == kTotal - kWarmup);  // every one counted for the other processes
    CHECK(after.published == before.published);                 // and none handed to a connection
    if (memory_figures_meaningful()) {
        // Queued, the flood would hold ~180 MiB (or the 32 MiB max_unsent_bytes): it must not come near either.
        CHECK_MESSAGE(peak - rss_before < 16 * 1024, "peak RSS grew by " << (peak - rss_before) << " KiB");
        CHECK_MESSAGE(rss_after - rss_before < 8 * 1024, "RSS grew by " << (rss_after - rss_before) << " KiB");
    }
}

TEST_CASE("redis bridge: failures are reported through the state hook, and local delivery never stops") {
    SUBCASE("nobody listening") {
        BridgedServer s("redis://127.0.0.1:" + std::to_string(free_loopback_port()));
        auto r = s.log.wait_for(duplex::RedisState::Reconnecting, "refused");
        REQUIRE(r);
        CHECK(r->retry_in.count() > 0);
        CHECK(r->retry_in <= 200ms);
        // Still a working server: its own subscribers get what it publishes.
        WsRawClient c(s.server.ws_port());
        REQUIRE(c.open("/ws"));
        std::size_t delivered = 0;
        REQUIRE(s.server.run_on_loop([&] { delivered = s.server.wss().publish("t", "local"); }));
        CHECK(delivered == 1);
        CHECK(c.read_message() == "local");
        std::uint64_t dropped = 0;
        REQUIRE(s.server.run_on_loop([&] { dropped = s.bridge->stats().dropped; }));
        CHECK(dropped == 1);
    }
    SUBCASE("wrong password, then the right one") {
        RedisServer redis({"--requirepass", "s3cret"});
        if (!redis.start()) DUPLEX_SKIP("redis-server is not installed");
        {
            BridgedServer s("redis://:wrong@127.0.0.1:" + std::to_string(redis.port()));
            auto r = s.log.wait_for(duplex::RedisState::Reconnecting, "AUTH refused");
            REQUIRE(r);
            MESSAGE(r->reason);
        }
        {
            BridgedServer s("redis://127.0.0.1:" + std::to_string(redis.port()));
            CHECK(s.log.wait_for(duplex::RedisState::Reconnecting, "NOAUTH"));
        }
        BridgedServer s("redis://:s3cret@127.0.0.1:" + std::to_string(redis.port()) + "/3");
        CHECK(s.log.wait_for(duplex::RedisState::Connected, ""));
    }
    SUBCASE("a server that speaks HTTP") {
        FakeRedis fake("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", true);
        BridgedServer s("redis://127.0.0.1:" + std::to_string(fake.port()));
        auto r = s.log.wait_for(duplex::RedisState::Reconnecting, "protocol error");
        REQUIRE(r);
        MESSAGE(r->reason);
    }
    SUBCASE("a server that answers PING with something else") {
        FakeRedis fake("+OK\r\n", false);
        BridgedServer s("redis://127.0.0.1:" + std::to_string(fake.port()));
        CHECK(s.log.wait_for(duplex::RedisState::Reconnecting, "unexpected answer to PING"));
    }
    SUBCASE("a connection dropped in the middle of a reply") {
        FakeRedis fake("$10\r\nPON", true);
        BridgedServer s("redis://127.0.0.1:" + std::to_string(fake.port()));
        CHECK(s.log.wait_for(duplex::RedisState::Reconnecting, "in the middle of a reply"));
    }
    SUBCASE("a server that accepts and says nothing") {
        FakeRedis fake("", false);
        BridgedServer s("redis://127.0.0.1:" + std::to_string(fake.port()));
        CHECK(s.log.wait_for(duplex::RedisState::Reconnecting, "no answer from Redis within 2000 ms"));
    }
}
}
