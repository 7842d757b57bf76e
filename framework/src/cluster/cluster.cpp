// Cluster: starts and joins the loop threads, and the calls that cross them (publish, stop, post).
#include "cluster/cluster_shared.h"
#include "duplex/log.h"

#include "ws/published_frame.h"

#include <csignal>
#include <cstdio>
#include <exception>

namespace duplex {

namespace {

unsigned resolve_threads(unsigned asked) {
    if (asked > 0) return asked;
    unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? hw : 1;
}

// One publish on its way to the other threads: the topic and the frame, shared by every thread's posted call.
struct Publication {
    std::string topic;
    SharedFrame frame;
};

}  // namespace

// The worker whose body this thread runs (null on other threads): publish delivers to it at once.
thread_local Worker* current_worker = nullptr;

SharedFrame::SharedFrame(std::string_view data, bool binary)
    : frame_(std::make_shared<const detail::PublishedFrame>(data, binary)) {}

std::string_view SharedFrame::bytes() const { return frame_->plain(); }

Cluster::Cluster(ClusterOptions options) : shared_(std::make_unique<Shared>()) {
    shared_->options = options;
    shared_->threads = resolve_threads(options.threads);
    shared_->handoff = options.force_handoff && shared_->threads > 1;
    shared_->results.assign(shared_->threads, 0);
    // Every loop exists from the start, so publish, stop and post can reach a thread before it runs.
    for (unsigned i = 0; i < shared_->threads; ++i) shared_->workers.push_back(std::unique_ptr<Worker>(new Worker(*this, i)));
}

Cluster::~Cluster() = default;

int Cluster::Shared::run_body(Worker& w) {
    current_worker = &w;
    int rc = 1;
    try {
        rc = body(w);
    } catch (const std::exception& e) {
        logf(LogLevel::error, "exception in cluster thread %u: %s", w.index(), e.what());
    } catch (...) {
        logf(LogLevel::error, "exception in cluster thread %u", w.index());
    }
    current_worker = nullptr;
    // The servers were the body's locals and are gone: functions the loop runs later (a late publish, the stop
    // below, those its destructor runs) must find none.
    w.state_->running = false;
    w.state_->servers.clear();
    w.state_->listens.clear();
    if (rc != 0) w.cluster().stop();
    return rc;
}

int Cluster::run(Body body) {
    Shared& s = *shared_;
    s.body = std::move(body);
    s.results[0] = s.run_body(*s.workers[0]);
    for (std::thread& t : s.others) t.join();
    s.others.clear();
    for (int rc : s.results)
        if (rc != 0) return rc;
    return 0;
}

unsigned Cluster::thread_count() const { return shared_->threads; }

bool Cluster::handing_off() const { return shared_->handoff; }

void Cluster::publish(std::string_view topic, std::string_view data, bool binary) {
    Worker* here = current_worker;
    if (here && &here->cluster() == this) {
        here->publish(topic, data, binary);
        return;
    }
    // From outside the loops: thread 0 publishes it, so a topic bridge (RedisBridge) hears of it once, and this
    // thread's publishes keep their order.
    Worker* first = shared_->workers.front().get();
    first->loop().post([first, topic = std::string(topic), data = std::string(data), binary] {
        first->publish(topic, data, binary);
    });
}

void Cluster::publish(std::string_view topic, const SharedFrame& frame) {
    Worker* here = current_worker;
    if (here && &here->cluster() != this) here = nullptr;
    if (here) here->deliver_local(topic, frame);
    shared_->send_to_others(here, topic, frame);
}

void Cluster::Shared::send_to_others(const Worker* skip, std::string_view topic, const SharedFrame& frame) {
    // One allocation per publish for all threads; each thread's post queue keeps the publishing thread's order.
    std::shared_ptr<const Publication> p;
    for (const auto& w : workers) {
        if (w.get() == skip) continue;
        if (!p) p = std::make_shared<const Publication>(Publication{std::string(topic), frame});
        Worker* target = w.get();
        target->loop().post([target, p] { target->deliver_local(p->topic, p->frame); });
    }
}

void Cluster::stop() {
    if (shared_->stopping.exchange(true)) return;
    for (const auto& w : shared_->workers) {
        Worker* target = w.get();
        target->loop().post([target] { target->state_->close_servers(target->loop()); });
    }
}

void Cluster::post(unsigned thread, std::function<void()> fn) {
    if (thread < shared_->threads) shared_->workers[thread]->loop().post(std::move(fn));
}

}  // namespace duplex
