#include "options.h"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

namespace loadgen {

namespace {

template <typename T>
bool parse_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// Accepts ws:// or wss://A.B.C.D:PORT/path with A.B.C.D inside 127.0.0.0/8: this tool never loads anything but this
// machine.
bool parse_url(std::string_view url, Target& target, std::string& error) {
    target.tls = url.starts_with("wss://");
    if (!target.tls && !url.starts_with("ws://")) {
        error = "the url must start with ws:// or wss://";
        return false;
    }
    url.remove_prefix(target.tls ? 6 : 5);
    const std::size_t slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    target.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    const std::size_t colon = authority.rfind(':');
    std::uint16_t port = 0;
    if (colon == std::string_view::npos || !parse_number(authority.substr(colon + 1), port) || port == 0) {
        error = "the url needs a port";
        return false;
    }
    const std::string host(authority.substr(0, colon));
    target.address = {};
    target.address.sin_family = AF_INET;
    target.address.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &target.address.sin_addr) != 1 ||
        (ntohl(target.address.sin_addr.s_addr) >> 24) != 127) {
        error = "the host must be a loopback IPv4 address (127.x.x.x)";
        return false;
    }
    target.host = std::string(authority);
    return true;
}

}  // namespace

const char* usage() {
    return "usage: loadgen MODE --url ws[s]://127.0.0.1:PORT/PATH [options]\n"
           "modes:\n"
           "  echo     C connections in closed loop, K binary messages of S bytes in flight each: msgs/s, MB/s, p50/p99\n"
           "  idle     open C connections, report (with server memory), then hold them for D s or until a signal\n"
           "  connect  C concurrent connect + handshake + close cycles: connections/s\n"
           "  fanout   C subscribers and one publisher on a broadcast path: delivered msgs/s, publish-to-delivery\n"
           "           p50/p99 (--publish-url: the publisher on another server; --protocol socketio: socket.io's)\n"
           "options:\n"
           "  -c N  -s BYTES  -k N  -d SECONDS  -w SECONDS  -m MESSAGES  --window N  --sources N\n"
           "  --publish-url ws://127.0.0.1:PORT/PATH  --protocol ws|socketio\n"
           "  --settle SECONDS  --prewarm N  --setup-timeout SECONDS  --max-pending N  --server-pid PID\n";
}

bool parse_options(int argc, char** argv, Options& options, std::string& error) {
    if (argc < 2) {
        error = "missing mode";
        return false;
    }
    options.mode = argv[1];
    if (options.mode != "echo" && options.mode != "idle" && options.mode != "connect" && options.mode != "fanout") {
        error = "unknown mode " + options.mode;
        return false;
    }
    bool have_url = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            error = "missing value after " + std::string(flag);
            return false;
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (flag == "--url") ok = have_url = parse_url(value, options.target, error);
        else if (flag == "--publish-url") ok = options.separate_publisher = parse_url(value, options.publish_target, error);
        else if (flag == "--protocol") {
            options.protocol = value;
            ok = value == "ws" || value == "socketio";
        }
        else if (flag == "-c") ok = parse_number(value, options.connections);
        else if (flag == "-s") ok = parse_number(value, options.size);
        else if (flag == "-k") ok = parse_number(value, options.inflight);
        else if (flag == "-d") ok = parse_number(value, options.duration);
        else if (flag == "-w") ok = parse_number(value, options.warmup);
        else if (flag == "-m") ok = parse_number(value, options.messages);
        else if (flag == "--window") ok = parse_number(value, options.window);
        else if (flag == "--sources") ok = parse_number(value, options.sources);
        else if (flag == "--settle") ok = parse_number(value, options.settle);
        else if (flag == "--prewarm") ok = parse_number(value, options.prewarm);
        else if (flag == "--setup-timeout") ok = parse_number(value, options.setup_timeout);
        else if (flag == "--max-pending") ok = parse_number(value, options.max_pending);
        else if (flag == "--server-pid") ok = parse_number(value, options.server_pid);
        else {
            error = "unknown option " + std::string(flag);
            return false;
        }
        if (!ok) {
            if (error.empty()) error = "bad value for " + std::string(flag);
            return false;
        }
    }
    if (!have_url) error = "missing --url";
    else if (options.connections == 0 || options.inflight == 0 || options.window == 0 || options.max_pending == 0)
        error = "-c, -k, --window and --max-pending must be positive";
    else if (options.sources > 250) error = "--sources is at most 250";
    else if (options.mode == "echo" && options.size < 1) error = "echo needs -s of at least 1";
    else if (options.mode == "fanout" && options.size < 28) error = "fanout needs -s of at least 28";
    return error.empty();
}

}  // namespace loadgen
