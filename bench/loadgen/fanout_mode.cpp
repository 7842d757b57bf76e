// fanout: C subscribers on a broadcast path (the demo's /ws greets each with "world", then relays every text message
// to every client), then one publisher that keeps at most --window messages not yet delivered to every subscriber.
// Each subscriber must see the sequence numbers in order with none missing. Counts deliveries to subscribers.
#include "modes.h"

#include "frame.h"
#include "measure.h"

#include <limits>
#include <string>
#include <vector>

namespace loadgen {

namespace {

constexpr std::string_view greeting = "world";
constexpr std::size_t digits = 10;
constexpr std::uint32_t no_publisher = std::numeric_limits<std::uint32_t>::max();

class FanoutMode final : public Handler {
public:
    explicit FanoutMode(const Options& options)
        : options_(options), message_(options.size, 'x'), delivered_to_(options.window, 0) {}

    void attach(ClientLoop& loop) { loop_ = &loop; }
    void set_measuring(bool on) { measuring_ = on; }
    void expect_publisher() { publisher_next_ = true; }
    std::size_t greeted() const { return greeted_count_; }
    bool all_delivered() const { return options_.messages > 0 && complete_ == options_.messages; }
    std::uint64_t deliveries() const { return deliveries_; }
    std::uint64_t errors() const { return errors_; }

    void on_open(Conn& conn) override {
        if (publisher_next_) {
            publisher_ = conn.id;
            pump(conn);
            return;
        }
        if (conn.id >= next_.size()) {
            next_.resize(conn.id + 1, 0);
            greeted_.resize(conn.id + 1, 0);
        }
    }

    void on_message(Conn& conn, std::uint8_t opcode, std::string_view payload) override {
        if (conn.id == publisher_) return;  // it is a /ws client too and hears its own broadcasts
        if (!greeted_[conn.id]) {
            if (opcode == op_text && payload == greeting) {
                greeted_[conn.id] = 1;
                ++greeted_count_;
            } else {
                ++errors_;
            }
            return;
        }
        std::uint64_t seq = 0;
        if (opcode != op_text || payload.size() != options_.size || !parse_seq(payload, seq)) {
            ++errors_;
            return;
        }
        if (seq != next_[conn.id]) ++errors_;  // lost or reordered
        next_[conn.id] = seq + 1;
        if (measuring_) ++deliveries_;
        if (seq >= complete_ && seq < complete_ + options_.window) {
            ++delivered_to_[seq % options_.window];
            advance();
        }
    }

    void on_closed(Conn&, CloseKind) override { ++errors_; }

private:
    static bool parse_seq(std::string_view payload, std::uint64_t& seq) {
        for (std::size_t i = 0; i < digits; ++i) {
            const char c = payload[i];
            if (c < '0' || c > '9') return false;
            seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return true;
    }

    void advance() {
        bool moved = false;
        while (delivered_to_[complete_ % options_.window] == options_.connections) {
            delivered_to_[complete_ % options_.window] = 0;
            ++complete_;
            moved = true;
        }
        if (moved && publisher_ != no_publisher) pump(*publisher_conn_);
    }

    // Sends while fewer than --window messages are incomplete (and -m is not reached).
    void pump(Conn& publisher) {
        publisher_conn_ = &publisher;
        while (published_ < complete_ + options_.window && (options_.messages == 0 || published_ < options_.messages)) {
            std::uint64_t n = published_++;
            for (std::size_t i = digits; i-- > 0; n /= 10) message_[i] = static_cast<char>('0' + n % 10);
            loop_->send(publisher, op_text, message_);
        }
    }

    const Options& options_;
    ClientLoop* loop_ = nullptr;
    std::string message_;  // ten decimal digits of the sequence number, then 'x' padding
    std::vector<std::uint64_t> next_;          // per subscriber: the sequence number expected next
    std::vector<std::uint8_t> greeted_;        // per subscriber: "world" received
    std::vector<std::size_t> delivered_to_;    // ring over the window: subscribers that have message n
    std::uint64_t published_ = 0, complete_ = 0, deliveries_ = 0, errors_ = 0;
    std::size_t greeted_count_ = 0;
    std::uint32_t publisher_ = no_publisher;
    Conn* publisher_conn_ = nullptr;  // the publisher never closes while the run lasts, so its slot stays put
    bool publisher_next_ = false;
    bool measuring_ = false;
};

}  // namespace

int run_fanout(const Options& options) {
    FanoutMode mode(options);
    ClientLoop loop(options.target, mode, options.sources, options.size);
    mode.attach(loop);
    JsonLine line = result_line(options);
    line.add("size", std::uint64_t{options.size}).add("window", std::uint64_t{options.window});
    const bool subscribers_open = open_connections(loop, options, options.connections);
    loop.run_until(seconds_from_now(options.setup_timeout), [&] { return mode.greeted() == options.connections; });
    if (!subscribers_open || mode.greeted() != options.connections) {
        line.add("error", "not every subscriber opened and was greeted").add("greeted", std::uint64_t{mode.greeted()});
        line.print();
        return 1;
    }
    mode.expect_publisher();
    if (!open_connections(loop, options, 1)) {
        line.add("error", "the publisher did not open").print();
        return 1;
    }
    loop.run_until(seconds_from_now(options.warmup), [&] { return mode.all_delivered(); });
    Window window(options.server_pid);
    mode.set_measuring(true);
    window.begin();
    loop.run_until(seconds_from_now(options.duration), [&] { return mode.all_delivered(); });
    window.end();
    if (interrupted()) return 130;

    line.add("deliveries", mode.deliveries())
        .add("msgs_per_s", static_cast<double>(mode.deliveries()) / window.seconds())
        .add("errors", mode.errors());
    window.write(line, mode.deliveries());
    line.print();
    return mode.errors() == 0 && mode.deliveries() > 0 ? 0 : 1;
}

}  // namespace loadgen
