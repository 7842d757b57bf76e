#include "cluster_chat.h"

#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

namespace testing_support {

using namespace std::chrono_literals;

namespace {

// Bounded wait for a condition set by another thread.
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// "<sender>:<number>", read in place: a thousand clients receive a million of them.
bool parse(std::string_view s, std::size_t& sender, std::int64_t& number) {
    const char* end = s.data() + s.size();
    auto [colon, e1] = std::from_chars(s.data(), end, sender);
    if (e1 != std::errc() || colon == end || *colon != ':') return false;
    auto [last, e2] = std::from_chars(colon + 1, end, number);
    return e2 == std::errc() && last == end;
}

}  // namespace

ClusterChat::ClusterChat(duplex::ClusterOptions options, duplex::HttpOptions http)
    : cluster_(options), workers_(cluster_.thread_count()) {
    thread_ = std::thread([this, http] {
        rc_ = cluster_.run([this, http](duplex::Worker& w) {
            duplex::WsServer wss(w.loop(), http);
            wss.route("/ws", {
                .onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.subscribe("all"); },
                .onmessage = [&w](duplex::WebSocket& ws, const duplex::Message& m) {
                    if (m.data == "leave") ws.unsubscribe("all");
                    else if (m.data == "join") ws.subscribe("all");
                    else w.publish("all", m.data, m.binary);
                },
            });
            if (int rc = w.listen(wss, {.host = "127.0.0.1", .port = 0}); rc != 0) {
                std::fprintf(stderr, "ClusterChat: thread %u cannot listen: %s\n", w.index(), duplex::error_text(rc).c_str());
                return 2;
            }
            workers_[w.index()] = &w;
            if (w.index() == 0) port_ = wss.port();
            return w.run();
        });
        finished_ = true;
    });
    wait_for([this] {
        if (finished_ || port_ == 0) return finished_.load();
        for (auto& w : workers_)
            if (!w) return false;
        return true;
    }, 10s);
}

ClusterChat::~ClusterChat() { stop(); }

bool ClusterChat::run_on(unsigned i, std::function<void()> fn) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    cluster_.post(i, [fn = std::move(fn), done] {
        fn();
        *done = true;
    });
    return wait_for([&] { return done->load(); }, 10s);
}

std::vector<duplex::ThreadStats> ClusterChat::thread_stats() {
    struct Gathered {
        std::mutex m;
        std::vector<duplex::ThreadStats> stats;
        std::atomic<bool> done{false};
    };
    auto g = std::make_shared<Gathered>();
    cluster_.post(0, [this, g] {
        workers_[0].load()->on_every_thread([g](duplex::Worker& w) {
            std::lock_guard<std::mutex> lock(g->m);
            g->stats.push_back(w.stats());
        }, [g] { g->done = true; });
    });
    if (!wait_for([&] { return g->done.load(); }, 10s)) return {};
    std::lock_guard<std::mutex> lock(g->m);
    return g->stats;
}

std::optional<int> ClusterChat::stop(std::chrono::milliseconds bound) {
    if (stopped_) return rc_;
    stopped_ = true;
    cluster_.stop();
    bool clean = wait_for([this] { return finished_.load(); }, bound);
    if (!clean) {
        std::fprintf(stderr, "ClusterChat: the cluster did not end within %lld ms; stopping its loops\n",
                     static_cast<long long>(bound.count()));
        for (unsigned i = 0; i < workers_.size(); ++i)
            cluster_.post(i, [this, i] { workers_[i].load()->loop().stop(); });
    }
    thread_.join();
    if (!clean) return std::nullopt;
    return rc_;
}

ChatSwarm::ChatSwarm(int port, std::size_t clients, std::chrono::milliseconds bound) : clients_(clients) {
    const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/ws";
    // In waves well under a listener's backlog (511): a SYN past a full accept queue waits a second to be sent again.
    constexpr std::size_t wave = 200;
    const auto deadline = std::chrono::steady_clock::now() + bound;
    for (std::size_t i = 0; i < clients; ++i) {
        if (i > 0 && i % wave == 0)
            run_until([&] { return open_ == i; }, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                      deadline - std::chrono::steady_clock::now()));
        clients_[i].last.assign(clients, -1);
        clients_[i].ws = duplex::connect(loop_, url, {
            .onopen = [this](duplex::WebSocket&) { ++open_; },
            .onmessage = [this, i](duplex::WebSocket&, const duplex::Message& m) {
                std::size_t sender = 0;
                std::int64_t number = 0;
                Client& c = clients_[i];
                if (!parse(m.data, sender, number) || sender >= c.last.size() || number != c.last[sender] + 1)
                    ++out_of_order_;
                else
                    c.last[sender] = number;
                ++received_;
                if (flooding_ && sender == i) send_next(i);
            },
            .onclose = [this](duplex::WebSocket&, const duplex::CloseEvent& e) {
                ++closed_;
                ++close_codes_[e.code];
            },
        });
    }
    run_until([&] { return open_ == clients_.size(); },
              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
}

void ChatSwarm::send_next(std::size_t i) {
    Client& c = clients_[i];
    c.ws.send(std::to_string(i) + ":" + std::to_string(c.sent++));
}

void ChatSwarm::run_until(const std::function<bool()>& done, std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    duplex::TimerId t = loop_.set_interval(2ms, [&] {
        if (done() || std::chrono::steady_clock::now() >= deadline) loop_.stop();
    });
    loop_.run();
    loop_.clear_timer(t);
}

void ChatSwarm::exchange(int messages, std::chrono::milliseconds bound) {
    const std::uint64_t target = received_ + std::uint64_t(clients_.size()) * clients_.size() * std::uint64_t(messages);
    for (std::size_t i = 0; i < clients_.size(); ++i)
        for (int k = 0; k < messages; ++k) send_next(i);
    wait_received(target, bound);
}

void ChatSwarm::wait_received(std::uint64_t total, std::chrono::milliseconds bound) {
    run_until([&] { return received_ >= total || closed_ == clients_.size(); }, bound);
}

void ChatSwarm::wait_closed(std::chrono::milliseconds bound) {
    run_until([&] { return closed_ == clients_.size(); }, bound);
}

void ChatSwarm::flood_until_closed(const std::function<void()>& fn, std::chrono::milliseconds bound) {
    flooding_ = true;
    for (std::size_t i = 0; i < clients_.size(); ++i) send_next(i);
    run_until([&] { return received_ >= clients_.size() * 4; }, bound);
    fn();
    wait_closed(bound);
    flooding_ = false;
}

}  // namespace testing_support
