// Worker: one loop thread of a Cluster: listening on the shared port (SO_REUSEPORT, or thread 0 handing
// connections out), its enrolled servers, local delivery of published frames, and its part of the shutdown.
#include "cluster/cluster_shared.h"
#include "duplex/log.h"

#include "ws/published_frame.h"
#include "ws/ws_endpoints.h"

#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <fcntl.h>
#include <unistd.h>

namespace duplex {

Worker::Worker(Cluster& cluster, unsigned index)
    : cluster_(&cluster), index_(index), state_(std::make_unique<State>()), loop_(std::make_unique<EventLoop>()) {}

Worker::~Worker() = default;

unsigned Worker::count() const { return cluster_->shared_->threads; }

int Worker::listen(App& app, const ListenOptions& options) { return enrol(&app, nullptr, options); }

int Worker::listen(WsServer& server, const ListenOptions& options) { return enrol(nullptr, &server, options); }

int Worker::enrol(App* app, WsServer* server, const ListenOptions& options) {
    detail::ServerHost& host = app ? detail::HostAccess::of(*app) : detail::HostAccess::of(*server);
    bool known = false;
    for (const State::Server& s : state_->servers) known = known || s.host == &host;
    if (!known) state_->servers.push_back({app, server, &host});
    const std::size_t rank = state_->listens.size();
    state_->listens.push_back({&host});

    Cluster::Shared& sh = *cluster_->shared_;
    if (sh.threads == 1) return host.listen(options);  // one thread: exactly App::listen
    ListenOptions o = options;
    if (index_ == 0) {
        if (!sh.handoff) {
            o.reuse_port = true;
            int rc = host.listen(o);
            if (rc != UV_ENOTSUP) {
                sh.ports.push_back(rc == 0 ? host.port() : o.port);
                return rc;
            }
            sh.handoff = true;  // SO_REUSEPORT refused: thread 0 accepts for everyone
        }
        o.reuse_port = false;
        int rc = host.listen(o, [this, rank](uv_os_sock_t fd) { return State::hand_off(*this, rank, fd); });
        sh.ports.push_back(rc == 0 ? host.port() : o.port);
        return rc;
    }
    if (rank < sh.ports.size()) o.port = sh.ports[rank];
    if (sh.handoff)  // thread 0's listener of this rank accepts; this thread serves what it is handed
        return rank < sh.ports.size() ? host.prepare_adoption(o, state_->listens[rank].adopter) : UV_EINVAL;
    o.reuse_port = true;
    return host.listen(o);
}

bool Worker::State::hand_off(Worker& self, std::size_t rank, uv_os_sock_t fd) {
    const unsigned n = self.count();
    const auto target = static_cast<unsigned>(self.state_->next_target++ % n);
    if (target == self.index_) return false;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return false;
    Worker* w = self.cluster_->shared_->workers[target].get();
    w->loop().post([w, rank, copy] { w->adopt(rank, copy); });
    return true;
}

void Worker::adopt(std::size_t rank, int fd) {
    if (state_->running && rank < state_->listens.size()) {
        const State::Listen& l = state_->listens[rank];
        l.host->adopt(l.adopter, fd);
    }
    else ::close(fd);
}

int Worker::run() {
    Cluster::Shared& sh = *cluster_->shared_;
    state_->running = true;
    if (index_ == 0 && sh.options.handle_signals) loop_->on_signal({SIGINT, SIGTERM}, [c = cluster_](int) { c->stop(); });
    if (sh.threads > 1) {
        // Without it a thread that only receives handed-out connections would return at once; stop() clears it.
        state_->keep_alive = loop_->set_interval(std::chrono::hours(1), [] {});
        if (index_ == 0)
            for (unsigned i = 1; i < sh.threads; ++i)
                sh.others.emplace_back([&sh, i] { sh.results[i] = sh.run_body(*sh.workers[i]); });
    }
    int rc = loop_->run();
    state_->running = false;  // connections handed out from now on are closed (see adopt)
    return rc;
}

void Worker::State::close_servers(EventLoop& loop) {
    if (keep_alive) {
        loop.clear_timer(keep_alive);
        keep_alive = 0;
    }
    for (const Server& s : std::vector<Server>(servers)) {
        if (s.app) s.app->close();
        else s.ws_server->close(CloseCode::GoingAway);
    }
}

std::size_t Worker::publish(std::string_view topic, std::string_view data, bool binary) {
    if (count() == 1) {  // nothing to share: frame into the servers' scratch buffer, as App::publish does
        std::size_t n = 0;
        for (const State::Server& s : state_->servers)
            if (s.host->ws) n += s.host->ws->publish(topic, data, binary);
        return n;
    }
    SharedFrame frame(data, binary);
    std::size_t here = deliver_local(topic, frame);
    cluster_->shared_->send_to_others(this, topic, frame);
    for (const State::Server& s : state_->servers)
        if (s.host->ws) s.host->ws->announce(topic, data, binary);
    return here;
}

std::size_t Worker::deliver_local(std::string_view topic, const SharedFrame& frame) {
    std::size_t n = 0;
    for (const State::Server& s : state_->servers)
        if (s.host->ws) n += s.host->ws->deliver(topic, frame.frame_);
    return n;
}

ThreadStats Worker::stats() const {
    ThreadStats t;
    t.thread = index_;
    for (const State::Server& s : state_->servers) {
        t.requests += s.host->stats.requests;
        t.connections += s.host->stats.connections;
        if (s.host->ws) t.ws_connections += s.host->ws->open_count();
    }
    return t;
}

void Worker::on_every_thread(std::function<void(Worker&)> fn, std::function<void()> done) {
    struct Round {
        std::function<void(Worker&)> fn;
        std::function<void()> done;
        Worker* origin;
        std::atomic<unsigned> left;
    };
    auto round = std::make_shared<Round>();
    round->fn = std::move(fn);
    round->done = std::move(done);
    round->origin = this;
    round->left = count();
    for (const auto& w : cluster_->shared_->workers) {
        Worker* target = w.get();
        target->loop().post([round, target] {
            try {
                round->fn(*target);
            } catch (const std::exception& e) {  // the round must still complete
                logf(LogLevel::error, "exception in on_every_thread: %s", e.what());
            }
            if (round->left.fetch_sub(1) != 1) return;
            // done (and what it holds, e.g. a Response) is run and destroyed on the origin's thread only.
            round->origin->loop().post([round] {
                auto done = std::move(round->done);
                if (done) done();
            });
        });
    }
}

void Worker::collect_metrics(std::function<void(MetricsSnapshot)> done) {
    struct Round {
        std::mutex mutex;
        MetricsSnapshot merged;
    };
    auto round = std::make_shared<Round>();
    on_every_thread([round](Worker& t) {
        MetricsSnapshot mine;
        for (const State::Server& s : t.state_->servers) mine.merge(s.host->metrics.snapshot());
        std::lock_guard lock(round->mutex);
        round->merged.merge(mine);
    }, [round, done = std::move(done)] { done(std::move(round->merged)); });
}

Handler Worker::metrics_endpoint(MetricsFormat format) {
    return [this, format](Request&, Response& res) {
        collect_metrics([res, format](MetricsSnapshot snap) mutable { send_metrics(res, snap, format); });
    };
}


}  // namespace duplex
