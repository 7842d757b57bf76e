/// @file
/// duplex::Cluster: every core. N loop threads, each with its own EventLoop running the same body (which builds
/// that thread's App / WsServer), one port shared by all of them, topics that cross threads, and one shutdown.
///
/// The thread rules, in one place:
/// - Each Worker is one loop thread. Everything built in a body (App, WsServer, routes, WebSockets, Responses) belongs
///   to that thread: its callbacks run there and nowhere else, and it must not be touched from another thread.
///   Worker::index() says which thread a callback runs on; routes are per thread (the body runs once per thread).
/// - State shared between threads is yours: make it atomic or guard it with a mutex, or keep one copy per thread
///   (indexed by Worker::index()) and combine them with Worker::on_every_thread.
/// - Thread-safe from anywhere (loop threads, other threads): Cluster::publish, Cluster::stop, Cluster::post,
///   EventLoop::post. Everything else on a Worker belongs to its own thread.
///
/// Lifetime: create the Cluster, call run() once; it returns when every thread's body has returned. The Cluster must
/// outlive run(); its thread-safe calls are valid as long as the object exists.
#pragma once

#include "duplex/app.h"
#include "duplex/event_loop.h"
#include "duplex/metrics.h"
#include "duplex/ws_server.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace duplex {

class Cluster;

/// How a Cluster runs.
struct ClusterOptions {
    unsigned threads = 0;          ///< loop threads; 0: std::thread::hardware_concurrency() (at least 1)
    bool handle_signals = true;    ///< SIGINT / SIGTERM call stop() (graceful: 1001 to every WebSocket)
    /// Accept on thread 0 and hand each connection to the loops in turn instead of SO_REUSEPORT. Used by itself
    /// where SO_REUSEPORT is refused; forcing it tests that path.
    bool force_handoff = false;
};

/// One thread's counters (Worker::stats()), summed over the servers it listens with.
struct ThreadStats {
    unsigned thread = 0;               ///< Worker::index()
    std::uint64_t requests = 0;        ///< HTTP requests dispatched (WebSocket handshakes included)
    std::uint64_t connections = 0;     ///< HTTP connections open now
    std::uint64_t ws_connections = 0;  ///< WebSockets open now
};

namespace detail { class PublishedFrame; }

/// A message framed once, to be queued to subscribers on any thread: immutable and reference-counted, so every
/// thread and every subscriber queues the same bytes (a large frame by reference: no copy per subscriber). It is
/// also compressed once, on first need, for the permessage-deflate subscribers, with context takeover or without;
/// other subscribers get the plain frame. Copyable; any thread may hold and copy it.
class SharedFrame {
public:
    /// Frames data as one text (or binary) WebSocket message.
    SharedFrame(std::string_view data, bool binary);
    /// The whole frame as it goes on the wire to a subscriber without compression (header and payload, unmasked).
    std::string_view bytes() const;

private:
    friend class Worker;
    std::shared_ptr<const detail::PublishedFrame> frame_;
};

/// One loop thread of a Cluster, handed to the body. Belongs to its thread: call its methods there only
/// (see the file comment). Lives as long as the Cluster.
class Worker {
public:
    /// Destroyed with its Cluster.
    ~Worker();
    /// 0 ... count() - 1: which thread this is. Thread 0 is the one that called Cluster::run.
    unsigned index() const { return index_; }
    /// How many loop threads the cluster runs.
    unsigned count() const;
    /// This thread's loop: build the thread's App / WsServer on it.
    EventLoop& loop() { return *loop_; }
    /// The cluster this thread belongs to.
    Cluster& cluster() { return *cluster_; }

    /// Listens with a server on the port every thread shares, and enrols the server in the cluster (publish
    /// reaches its subscribers, stop() closes it, stats() counts it). Every thread's body must make the same
    /// listen calls in the same order: the n-th call of each thread shares one port (port 0: the one thread 0
    /// was given). Returns 0 or a negative libuv error, as App::listen.
    ///@{
    [[nodiscard]] int listen(App& app, const ListenOptions& options);
    [[nodiscard]] int listen(WsServer& server, const ListenOptions& options);
    ///@}

    /// Runs this thread's loop until the cluster stops and this thread's servers have closed; returns 0.
    /// Call it at the end of the body, with the servers still in scope. Thread 0's call starts the other threads
    /// (so they reuse the ports thread 0 was given).
    int run();

    /// Publishes to every subscriber of topic on every thread (Cluster::publish); returns how many subscribers
    /// of this thread took it (the other threads deliver later, in order).
    std::size_t publish(std::string_view topic, std::string_view data, bool binary = false);
    /// Local-only delivery: queues an already built frame to this thread's subscribers of topic, and nowhere else
    /// (for a message that arrived from outside, e.g. a broker). Returns how many took it.
    std::size_t deliver_local(std::string_view topic, const SharedFrame& frame);

    /// This thread's counters.
    ThreadStats stats() const;
    /// Runs fn on every thread (each on its own loop, this one included), then `done` on this thread once all
    /// have run: the way to combine per-thread state (fn must guard what it shares, e.g. with atomics).
    void on_every_thread(std::function<void(Worker&)> fn, std::function<void()> done);
    /// The metrics of every server enrolled with listen() on every thread, merged (each thread's snapshot taken on
    /// its own loop), handed to done on this thread.
    void collect_metrics(std::function<void(MetricsSnapshot)> done);
    /// A handler answering with collect_metrics() in `format`: /metrics for the whole process.
    Handler metrics_endpoint(MetricsFormat format = MetricsFormat::prometheus);

private:
    friend class Cluster;
    struct State;
    Worker(Cluster& cluster, unsigned index);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    int enrol(App* app, WsServer* server, const ListenOptions& options);
    void adopt(std::size_t listen_index, int fd);

    Cluster* cluster_;
    unsigned index_;
    std::unique_ptr<State> state_;     // before loop_: functions the loop still runs as it goes may look at it
    std::unique_ptr<EventLoop> loop_;
};

/// N loop threads running one body each. See the file comment for the thread rules and lifetime.
class Cluster {
public:
    /// The body of each thread: builds that thread's servers, calls worker.listen(...), and ends with
    /// `return worker.run();`. A non-zero return (or an exception) stops the whole cluster.
    using Body = std::function<int(Worker&)>;

    /// A cluster of options.threads loop threads (nothing runs until run()).
    explicit Cluster(ClusterOptions options = {});
    /// Must not be destroyed while run() is running.
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    /// Runs body on thread 0 (the calling thread) and, once it calls Worker::run, on every other thread; returns
    /// when all bodies have returned: 0, or the first non-zero code a body returned (1 for an exception).
    /// With one thread this is exactly a body on the calling thread: no thread is started.
    int run(Body body);

    /// How many loop threads (the resolved ClusterOptions::threads).
    unsigned thread_count() const;
    /// Thread-safe: sends to every subscriber of topic on every thread. The frame is built once and shared; each
    /// thread gets the messages of one publishing thread in the order they were published. A loop thread publishes
    /// at once; from outside the loops thread 0 publishes it (one hop). A RedisBridge attached on the publishing
    /// thread forwards it to other processes.
    void publish(std::string_view topic, std::string_view data, bool binary = false);
    /// Thread-safe: sends an already built frame to every subscriber of topic on every thread of this process
    /// (a RedisBridge does not forward it).
    void publish(std::string_view topic, const SharedFrame& frame);
    /// Thread-safe: graceful shutdown of every thread: stop accepting, answer what was received, close every
    /// WebSocket with 1001, each bounded by its server's HttpOptions::shutdown_timeout; then run() returns.
    void stop();
    /// Thread-safe: runs fn on thread `thread`'s loop (EventLoop::post); ignored for an unknown thread.
    void post(unsigned thread, std::function<void()> fn);
    /// True when connections are handed out by thread 0 instead of SO_REUSEPORT (forced, or refused).
    bool handing_off() const;

private:
    friend class Worker;
    struct Shared;
    std::unique_ptr<Shared> shared_;
};

}  // namespace duplex
