// connect: C attempts in flight at all times, each one connect + upgrade handshake + close handshake, after which the
// socket is closed and a new attempt starts. Counts completed cycles per second and their latency.
#include "modes.h"

#include "histogram.h"
#include "measure.h"

#include <limits>

namespace loadgen {

namespace {

constexpr std::uint16_t close_normal = 1000;

class ConnectMode final : public Handler {
public:
    void attach(ClientLoop& loop) { loop_ = &loop; }
    void set_measuring(bool on) { measuring_ = on; }
    std::uint64_t cycles() const { return cycles_; }
    std::uint64_t errors() const { return errors_; }  // servers that closed before answering our close
    const Histogram& latencies() const { return latencies_; }

    void on_open(Conn& conn) override { loop_->start_close(conn, close_normal); }
    void on_message(Conn&, std::uint8_t, std::string_view) override {}

    void on_closed(Conn& conn, CloseKind kind) override {
        if (!measuring_) return;
        if (kind == CloseKind::remote) ++errors_;  // failures are counted by the loop, immediate ones included
        if (kind != CloseKind::clean) return;
        ++cycles_;
        latencies_.record(nanoseconds(loop_->now() - conn.started));
    }

private:
    ClientLoop* loop_ = nullptr;
    Histogram latencies_;
    std::uint64_t cycles_ = 0, errors_ = 0;
    bool measuring_ = false;
};

}  // namespace

int run_connect(const Options& options) {
    ConnectMode mode;
    ClientLoop loop(options.target, mode, options.sources, 1 << 20);
    mode.attach(loop);
    loop.open_gradually(std::numeric_limits<std::size_t>::max(), options.connections);
    loop.run_until(seconds_from_now(options.warmup));
    Window window(options.server_pid);
    mode.set_measuring(true);
    const std::size_t failed_before = loop.failed();
    window.begin();
    loop.run_until(seconds_from_now(options.duration));
    window.end();
    mode.set_measuring(false);
    if (interrupted()) return 130;
    const std::uint64_t errors = mode.errors() + (loop.failed() - failed_before);

    JsonLine line = result_line(options);
    line.add("cycles", mode.cycles())
        .add("conns_per_s", static_cast<double>(mode.cycles()) / window.seconds())
        .add("p50_us", static_cast<double>(mode.latencies().percentile(0.50)) / 1e3)
        .add("p99_us", static_cast<double>(mode.latencies().percentile(0.99)) / 1e3)
        .add("errors", errors);
    window.write(line, mode.cycles());
    line.print();
    return errors == 0 && mode.cycles() > 0 ? 0 : 1;
}

}  // namespace loadgen
