// loadgen: a one-thread epoll WebSocket load generator (echo, idle, connect, fanout). It shares no code with the
// servers it measures. Prints one JSON line per run; see bench/README.md.
#include "modes.h"

#include <sys/resource.h>

#include <cstdio>
#include <exception>

namespace {

// Every connection is a descriptor: lift the soft limit to what the run needs (root may lift the hard one too).
bool raise_fd_limit(rlim_t needed) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= needed) return true;
    if (limit.rlim_max < needed) limit.rlim_max = needed;
    limit.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) return true;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur >= needed;
}

int dispatch(const loadgen::Options& options) {
    if (options.mode == "echo") return loadgen::run_echo(options);
    if (options.mode == "idle") return loadgen::run_idle(options);
    if (options.mode == "connect") return loadgen::run_connect(options);
    return loadgen::run_fanout(options);
}

}  // namespace

int main(int argc, char** argv) {
    loadgen::Options options;
    std::string error;
    if (!loadgen::parse_options(argc, argv, options, error)) {
        std::fprintf(stderr, "loadgen: %s\n%s", error.c_str(), loadgen::usage());
        return 2;
    }
    // connect mode holds up to twice its concurrency (handshaking plus closing); the 64 cover stdio, epoll, publisher.
    const rlim_t per_connection = options.mode == "connect" ? 2 : 1;
    if (!raise_fd_limit(static_cast<rlim_t>(options.connections) * per_connection + 64)) {
        std::fprintf(stderr, "loadgen: cannot raise RLIMIT_NOFILE for %zu connections\n", options.connections);
        return 2;
    }
    loadgen::install_signal_handlers();
    try {
        return dispatch(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "loadgen: %s\n", e.what());
        return 2;
    }
}
