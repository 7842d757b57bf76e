// echo: every connection keeps K binary messages of S bytes in flight; each echo is checked byte for byte against
// what was sent and immediately answered by the next message (closed loop).
#include "modes.h"

#include "frame.h"
#include "histogram.h"
#include "measure.h"

#include <string>
#include <vector>

namespace loadgen {

namespace {

class EchoMode final : public Handler {
public:
    explicit EchoMode(const Options& options)
        : options_(options), send_times_(options.connections * options.inflight), sent_(options.connections),
          received_(options.connections) {
        // Message n of a connection is the S bytes at offset n % 256 of a random pattern: cheap to produce and
        // verify, and a lost, duplicated or reordered echo no longer matches.
        pattern_.resize(options.size + 256);
        std::uint32_t x = 2463534242u;
        for (char& c : pattern_) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            c = static_cast<char>(x);
        }
    }

    void attach(ClientLoop& loop) { loop_ = &loop; }
    void set_measuring(bool on) { measuring_ = on; }
    const Histogram& latencies() const { return latencies_; }
    std::uint64_t messages() const { return messages_; }
    std::uint64_t errors() const { return mismatches_ + closed_; }

    void on_open(Conn& conn) override {
        for (std::size_t k = 0; k < options_.inflight; ++k) send_next(conn);
    }

    void on_message(Conn& conn, std::uint8_t opcode, std::string_view payload) override {
        std::uint64_t& n = received_[conn.id];
        if (opcode != op_binary || payload != message(n)) ++mismatches_;
        if (measuring_) {
            latencies_.record(nanoseconds(loop_->now() - send_times_[conn.id * options_.inflight + n % options_.inflight]));
            ++messages_;
        }
        ++n;
        send_next(conn);
    }

    void on_closed(Conn&, CloseKind) override { ++closed_; }

private:
    std::string_view message(std::uint64_t n) const { return std::string_view(pattern_).substr(n % 256, options_.size); }

    void send_next(Conn& conn) {
        std::uint64_t& n = sent_[conn.id];
        send_times_[conn.id * options_.inflight + n % options_.inflight] = loop_->now();
        loop_->send(conn, op_binary, message(n));
        ++n;
    }

    const Options& options_;
    ClientLoop* loop_ = nullptr;
    std::string pattern_;
    std::vector<Clock::time_point> send_times_;  // a ring of K per connection
    std::vector<std::uint64_t> sent_, received_;
    Histogram latencies_;
    std::uint64_t messages_ = 0, mismatches_ = 0, closed_ = 0;
    bool measuring_ = false;
};

}  // namespace

int run_echo(const Options& options) {
    EchoMode mode(options);
    ClientLoop loop(options.target, mode, options.sources, options.size);
    mode.attach(loop);
    JsonLine line = result_line(options);
    line.add("size", std::uint64_t{options.size}).add("inflight", std::uint64_t{options.inflight});
    if (!open_connections(loop, options, options.connections)) {
        line.add("error", "not every connection opened").add("opened", std::uint64_t{loop.opened()}).print();
        return 1;
    }
    loop.run_until(seconds_from_now(options.warmup));
    Window window(options.server_pid);
    mode.set_measuring(true);
    window.begin();
    loop.run_until(seconds_from_now(options.duration));
    window.end();
    if (interrupted()) return 130;

    const double secs = window.seconds();
    const auto msgs = static_cast<double>(mode.messages());
    line.add("messages", mode.messages())
        .add("msgs_per_s", msgs / secs)
        .add("mb_per_s", msgs * static_cast<double>(options.size) / secs / 1e6)
        .add("p50_us", static_cast<double>(mode.latencies().percentile(0.50)) / 1e3)
        .add("p99_us", static_cast<double>(mode.latencies().percentile(0.99)) / 1e3)
        .add("errors", mode.errors());
    window.write(line, mode.messages());
    line.print();
    return mode.errors() == 0 ? 0 : 1;
}

}  // namespace loadgen
