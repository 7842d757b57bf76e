// fanout: C subscribers on a broadcast path (the demo's /ws greets each with "world", then relays every text message
// to every client), then one publisher that keeps at most --window messages not yet delivered to every subscriber.
// Each subscriber must see the sequence numbers in order with none missing. Counts deliveries to subscribers and
// the publish-to-delivery latency: each message carries its send time (publisher and subscribers are this process,
// so one clock serves both ends).
//
// --publish-url puts the publisher on another server (redis_fanout: process A, the subscribers on process B, Redis
// between them). --protocol socketio speaks socket.io (engine.io v4 over WebSocket, no polling) to the same shape:
// the open packet "0{...}" is answered with a connect to the default namespace "40", its answer "40{...}" is the
// greeting, pings "2" get pongs "3", and every message travels as the event 42["chat","<payload>"].
#include "modes.h"

#include "frame.h"
#include "histogram.h"
#include "measure.h"

#include <limits>
#include <string>
#include <vector>

namespace loadgen {

namespace {

constexpr std::string_view greeting = "world";
// A payload: the sequence number in ten decimal digits, a space, the send time (steady clock, ns) in 16 hex digits,
// then 'x' up to -s bytes.
constexpr std::size_t digits = 10;
constexpr std::size_t time_at = digits + 1, time_digits = 16;
constexpr std::uint32_t no_publisher = std::numeric_limits<std::uint32_t>::max();

// How a payload travels: as the whole message (ws), or inside a socket.io event (socketio).
struct Framing {
    std::string_view head, tail;
    // The payload inside a message, or false when the message is not shaped like one.
    bool unwrap(std::string_view message, std::string_view& payload) const {
        if (message.size() < head.size() + tail.size() || !message.starts_with(head) || !message.ends_with(tail))
            return false;
        payload = message.substr(head.size(), message.size() - head.size() - tail.size());
        return true;
    }
};
constexpr Framing plain{"", ""};
constexpr Framing socketio_event{R"(42["chat",")", R"("])"};

class FanoutMode final : public Handler {
public:
    explicit FanoutMode(const Options& options)
        : options_(options), socketio_(options.protocol == "socketio"), framing_(socketio_ ? socketio_event : plain),
          message_(std::string(framing_.head) + std::string(options.size, 'x') + std::string(framing_.tail)),
          delivered_to_(options.window, 0) {
        message_[framing_.head.size() + digits] = ' ';
    }

    void attach(ClientLoop& loop) { loop_ = &loop; }
    void set_measuring(bool on) { measuring_ = on; }
    void expect_publisher() { publisher_next_ = true; }
    std::size_t greeted() const { return greeted_count_; }
    bool all_delivered() const { return options_.messages > 0 && complete_ == options_.messages; }
    std::uint64_t deliveries() const { return deliveries_; }
    std::uint64_t errors() const { return errors_; }
    const Histogram& latencies() const { return latencies_; }

    void on_open(Conn& conn) override {
        if (publisher_next_) {
            publisher_ = conn.id;
            publisher_conn_ = &conn;
            if (!socketio_) pump();  // socket.io: once its namespace is connected
            return;
        }
        if (conn.id >= next_.size()) {
            next_.resize(conn.id + 1, 0);
            greeted_.resize(conn.id + 1, 0);
        }
    }

    void on_message(Conn& conn, std::uint8_t opcode, std::string_view message) override {
        if (socketio_ && opcode == op_text && engine_io_control(conn, message)) return;
        if (conn.id == publisher_) return;  // it is a subscriber too and hears its own broadcasts
        if (!greeted_[conn.id]) {
            if (!socketio_ && opcode == op_text && message == greeting) greet(conn);
            else ++errors_;
            return;
        }
        std::string_view payload;
        std::uint64_t seq = 0, sent_ns = 0;
        if (opcode != op_text || !framing_.unwrap(message, payload) || payload.size() != options_.size ||
            !parse_digits(payload.substr(0, digits), 10, seq) ||
            !parse_digits(payload.substr(time_at, time_digits), 16, sent_ns)) {
            ++errors_;
            return;
        }
        if (seq != next_[conn.id]) ++errors_;  // lost or reordered
        next_[conn.id] = seq + 1;
        if (measuring_) {
            ++deliveries_;
            const std::uint64_t now_ns = nanoseconds(loop_->now().time_since_epoch());
            latencies_.record(now_ns > sent_ns ? now_ns - sent_ns : 0);
        }
        if (seq >= complete_ && seq < complete_ + options_.window) {
            ++delivered_to_[seq % options_.window];
            advance();
        }
    }

    void on_closed(Conn&, CloseKind) override { ++errors_; }

private:
    // Decimal or lower-case hexadecimal digits, all of them.
    static bool parse_digits(std::string_view text, unsigned base, std::uint64_t& value) {
        for (const char c : text) {
            unsigned d = 0;
            if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
            else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
            else return false;
            value = value * base + d;
        }
        return true;
    }

    // Engine.io and socket.io packets other than events; true when `message` was one.
    bool engine_io_control(Conn& conn, std::string_view message) {
        if (message.starts_with("40")) {  // the namespace is connected: the greeting
            if (conn.id == publisher_) pump();
            else if (!greeted_[conn.id]) greet(conn);
            else ++errors_;
        } else if (message.starts_with('0')) {  // engine.io's open packet
            loop_->send(conn, op_text, "40");
        } else if (message == "2") {  // ping
            loop_->send(conn, op_text, "3");
        } else {
            return false;
        }
        return true;
    }

    void greet(Conn& conn) {
        greeted_[conn.id] = 1;
        ++greeted_count_;
    }

    void advance() {
        bool moved = false;
        while (delivered_to_[complete_ % options_.window] == options_.connections) {
            delivered_to_[complete_ % options_.window] = 0;
            ++complete_;
            moved = true;
        }
        if (moved && publisher_ready_) pump();
    }

    // Sends while fewer than --window messages are incomplete (and -m is not reached).
    void pump() {
        publisher_ready_ = true;
        char* const payload = message_.data() + framing_.head.size();
        while (published_ < complete_ + options_.window && (options_.messages == 0 || published_ < options_.messages)) {
            std::uint64_t n = published_++;
            for (std::size_t i = digits; i-- > 0; n /= 10) payload[i] = static_cast<char>('0' + n % 10);
            std::uint64_t t = nanoseconds(Clock::now().time_since_epoch());
            for (std::size_t i = time_digits; i-- > 0; t >>= 4) payload[time_at + i] = "0123456789abcdef"[t & 15];
            loop_->send(*publisher_conn_, op_text, message_);
        }
    }

    const Options& options_;
    ClientLoop* loop_ = nullptr;
    const bool socketio_;
    const Framing framing_;
    std::string message_;  // the framing's head, the payload (sequence number, send time, padding), its tail
    std::vector<std::uint64_t> next_;          // per subscriber: the sequence number expected next
    std::vector<std::uint8_t> greeted_;        // per subscriber: "world" received
    std::vector<std::size_t> delivered_to_;    // ring over the window: subscribers that have message n
    Histogram latencies_;                       // publish to delivery, ns, over the measured window
    std::uint64_t published_ = 0, complete_ = 0, deliveries_ = 0, errors_ = 0;
    std::size_t greeted_count_ = 0;
    std::uint32_t publisher_ = no_publisher;
    Conn* publisher_conn_ = nullptr;  // the publisher never closes while the run lasts, so its slot stays put
    bool publisher_next_ = false;
    bool publisher_ready_ = false;
    bool measuring_ = false;
};

}  // namespace

int run_fanout(const Options& options) {
    FanoutMode mode(options);
    // socket.io's control packets (the open packet's JSON) are larger than a small -s.
    ClientLoop loop(options.target, mode, options.sources, options.protocol == "socketio" ? options.size + 1024 : options.size);
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
    if (options.separate_publisher) loop.set_target(options.publish_target);
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
        .add("p50_us", static_cast<double>(mode.latencies().percentile(0.50)) / 1e3)
        .add("p99_us", static_cast<double>(mode.latencies().percentile(0.99)) / 1e3)
        .add("errors", mode.errors());
    window.write(line, mode.deliveries());
    line.print();
    return mode.errors() == 0 && mode.deliveries() > 0 ? 0 : 1;
}

}  // namespace loadgen
