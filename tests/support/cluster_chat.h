// ClusterChat: a duplex::Cluster on a thread of its own, every loop thread serving the same WebSocket chat on one
// port: /ws subscribes each client to "all" and publishes every message it receives to "all" (Worker::publish,
// so it crosses threads), but "leave" and "join", which unsubscribe and subscribe the sender. ChatSwarm: many clients of it on one client loop in the test's thread, each sending
// numbered messages and checking what arrives: exactly once, in each sender's order.
//
// Lifetime: stop() (or the destructor) stops the cluster and joins its thread, bounded (an overrun is reported and
// the loops are stopped abruptly). Threads: the test's; worker(i) may be used only through cluster().post(i, ...).
#pragma once

#include <duplex/duplex.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace testing_support {

class ClusterChat {
public:
    // Starts the cluster and waits (bounded) for thread 0's port.
    explicit ClusterChat(duplex::ClusterOptions options, duplex::HttpOptions http = {});
    ~ClusterChat();

    int port() const { return port_; }
    duplex::Cluster& cluster() { return cluster_; }
    duplex::Worker& worker(unsigned i) { return *workers_[i]; }
    // Every thread's counters, gathered on thread 0 (bounded; empty on time-out).
    std::vector<duplex::ThreadStats> thread_stats();
    // Runs fn on thread i's loop and waits for it (bounded); false on time-out.
    bool run_on(unsigned i, std::function<void()> fn);
    // Cluster::stop, then waits for run() to return; its exit code, or nullopt when it overran `bound`.
    std::optional<int> stop(std::chrono::milliseconds bound = std::chrono::seconds(10));

private:
    duplex::Cluster cluster_;
    std::vector<std::atomic<duplex::Worker*>> workers_;
    std::atomic<int> port_{0};
    std::atomic<bool> finished_{false};
    int rc_ = -1;
    std::thread thread_;
    bool stopped_ = false;
};

class ChatSwarm {
public:
    // Connects `clients` clients to ws://127.0.0.1:port/ws and runs the client loop until all are open (bounded).
    ChatSwarm(int port, std::size_t clients, std::chrono::milliseconds bound = std::chrono::seconds(20));

    std::size_t open_count() const { return open_; }
    // Every client sends `messages` numbered messages at once; runs until each client has received clients x
    // messages from the others (and itself), or the bound.
    void exchange(int messages, std::chrono::milliseconds bound = std::chrono::seconds(30));
    // Every client keeps sending (one message per message of its own that comes back) until the server closes;
    // fn runs once the traffic is going. Runs until every client has closed, or the bound.
    void flood_until_closed(const std::function<void()>& fn, std::chrono::milliseconds bound = std::chrono::seconds(20));

    // Runs the client loop until `total` messages have arrived in all, or every client has closed (bounded).
    void wait_received(std::uint64_t total, std::chrono::milliseconds bound = std::chrono::seconds(10));
    void wait_closed(std::chrono::milliseconds bound = std::chrono::seconds(10));
    // Client i sends "<i>:<its next number>".
    void send_next(std::size_t i);
    // Client i sends text as it is.
    void send(std::size_t i, std::string_view text) { clients_[i].ws.send(text); }
    // Runs the client loop for a while (its callbacks run meanwhile).
    void run_for(std::chrono::milliseconds time) { run_until([] { return false; }, time); }

    std::uint64_t received() const { return received_; }
    std::uint64_t out_of_order() const { return out_of_order_; }  // a gap, repeat or reorder in one sender's numbers
    std::size_t closed() const { return closed_; }
    std::map<int, std::size_t> close_codes() const { return close_codes_; }

private:
    struct Client {
        duplex::WebSocket ws;
        std::vector<std::int64_t> last;  // per sender: the last number seen
        int sent = 0;
    };
    // Runs the client loop until done() or the bound.
    void run_until(const std::function<bool()>& done, std::chrono::milliseconds bound);

    duplex::EventLoop loop_;
    std::vector<Client> clients_;
    std::size_t open_ = 0, closed_ = 0;
    std::uint64_t received_ = 0, out_of_order_ = 0;
    bool flooding_ = false;
    std::map<int, std::size_t> close_codes_;
};

}  // namespace testing_support
