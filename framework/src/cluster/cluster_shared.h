// The state behind duplex::Cluster and duplex::Worker (cluster.h): the workers, the ports thread 0 was given, the
// listening mode, and each worker's enrolled servers.
//
// Lifetime: owned by Cluster / Worker. Threads: Cluster::Shared is written by the calling thread before any worker
// thread starts (workers, ports, body) and read by all after; its atomics are any thread's. Worker::State belongs to
// its worker's thread.
#pragma once

#include "duplex/cluster.h"
#include "server/server_host.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace duplex {

struct Cluster::Shared {
    ClusterOptions options;
    unsigned threads = 1;
    std::vector<std::unique_ptr<Worker>> workers;
    Body body;
    // The port of each of thread 0's listen calls, for the other threads' calls of the same rank.
    std::vector<int> ports;
    std::atomic<bool> handoff{false};
    std::atomic<bool> stopping{false};
    std::vector<std::thread> others;  // threads 1 ... n-1, started by thread 0's Worker::run
    std::vector<int> results;         // each body's return, written by its own thread

    // Runs body on w's thread (the calling one): a failure stops the cluster.
    int run_body(Worker& w);
    // Posts frame to every worker but `skip` (the publishing thread's own, which delivered it already; may be null).
    void send_to_others(const Worker* skip, std::string_view topic, const SharedFrame& frame);
};

struct Worker::State {
    struct Server {
        App* app = nullptr;
        WsServer* ws_server = nullptr;
        detail::ServerHost* host = nullptr;
    };
    std::vector<Server> servers;                 // enrolled by listen, each once
    // Each listen call, by rank: its host, and (hand-off, threads other than 0) where that host adopts its connections.
    struct Listen {
        detail::ServerHost* host;
        std::size_t adopter = 0;
    };
    std::vector<Listen> listens;
    std::uint64_t next_target = 0;               // thread 0, hand-off: the loop the next connection goes to
    TimerId keep_alive = 0;                      // n > 1: a loop with no listener (hand-off) runs until stop()
    bool running = false;                        // inside run(): the servers above exist

    // Thread 0, hand-off path: gives the connection to the next loop in turn; false keeps it here.
    static bool hand_off(Worker& self, std::size_t rank, uv_os_sock_t fd);
    // Graceful close of every enrolled server (on the worker's thread).
    void close_servers(EventLoop& loop);
};

}  // namespace duplex
