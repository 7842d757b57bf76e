#include "modes.h"

namespace loadgen {

bool open_connections(ClientLoop& loop, const Options& options, std::size_t count) {
    const std::size_t opened_before = loop.opened();
    const std::size_t failed_before = loop.failed();
    loop.open_gradually(count, options.max_pending);
    loop.run_until(seconds_from_now(options.setup_timeout), [&] {
        return loop.opened() - opened_before == count || loop.failed() != failed_before;
    });
    loop.stop_opening();
    return loop.opened() - opened_before == count;
}

JsonLine result_line(const Options& options) {
    JsonLine line;
    line.add("mode", options.mode).add("path", options.target.path).add("connections", std::uint64_t{options.connections});
    return line;
}

Clock::time_point seconds_from_now(double seconds) {
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::uint64_t nanoseconds(Clock::duration d) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

}  // namespace loadgen
