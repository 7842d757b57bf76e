// idle: open C connections, let the server settle, report how much its resident anonymous memory grew per
// connection, then hold the connections open (reading whatever the server sends) for D seconds or until
// SIGINT/SIGTERM. --prewarm N first opens and closes N connections so that one-time costs (lazy initialisation, JIT
// code, first heap growth) happen before the baseline reading instead of being charged to the connections.
#include "modes.h"

#include "measure.h"

#include <chrono>

namespace loadgen {

namespace {

constexpr std::uint16_t close_normal = 1000;
// The longest hold when no duration is given: a forgotten idle run still ends by itself.
constexpr double max_hold_seconds = 3600.0;

class IdleMode final : public Handler {
public:
    std::uint64_t closed() const { return closed_; }
    void forget_closes() { closed_ = 0; }

    void on_open(Conn&) override {}
    void on_message(Conn&, std::uint8_t, std::string_view) override {}
    void on_closed(Conn&, CloseKind) override { ++closed_; }

private:
    std::uint64_t closed_ = 0;
};

bool prewarm(ClientLoop& loop, IdleMode& mode, const Options& options) {
    if (options.prewarm == 0) return true;
    if (!open_connections(loop, options, options.prewarm)) return false;
    loop.close_all(close_normal);
    loop.run_until(seconds_from_now(options.setup_timeout), [&] { return loop.live() == 0; });
    mode.forget_closes();
    loop.run_until(seconds_from_now(options.settle));
    return loop.live() == 0;
}

std::optional<Memory> server_memory(const Options& options) {
    return options.server_pid > 0 ? process_memory(options.server_pid) : std::nullopt;
}

}  // namespace

int run_idle(const Options& options) {
    IdleMode mode;
    ClientLoop loop(options.target, mode, options.sources, 1 << 20);
    JsonLine line = result_line(options);
    if (!prewarm(loop, mode, options)) {
        line.add("error", "the prewarm connections did not open and close").print();
        return 1;
    }
    const std::size_t opened_before = loop.opened();
    const std::size_t failed_before = loop.failed();
    const auto before = server_memory(options);
    const auto start = Clock::now();
    const bool all_open = open_connections(loop, options, options.connections);
    const double open_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    loop.run_until(seconds_from_now(options.settle));
    if (interrupted()) return 130;
    const auto after = server_memory(options);

    const std::size_t opened = loop.opened() - opened_before;
    line.add("opened", std::uint64_t{opened})
        .add("open_seconds", open_seconds)
        .add("errors", std::uint64_t{loop.failed() - failed_before} + mode.closed());
    if (!all_open) line.add("error", "not every connection opened");
    if (before && after && opened > 0) {
        const auto per_conn = [&](std::uint64_t b, std::uint64_t a) {
            return (static_cast<double>(a) - static_cast<double>(b)) / static_cast<double>(opened);
        };
        line.add("server_anon_before", before->anon)
            .add("server_anon_after", after->anon)
            .add("bytes_per_conn", per_conn(before->anon, after->anon))
            .add("rss_bytes_per_conn", per_conn(before->rss, after->rss));
    }
    line.print();

    const double hold = options.duration > 0 ? options.duration : max_hold_seconds;
    loop.run_until(seconds_from_now(hold));
    return all_open && mode.closed() == 0 ? 0 : 1;
}

}  // namespace loadgen
