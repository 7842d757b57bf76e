#include "support/demo_process.h"

namespace testing_support {

namespace {

std::vector<std::string> command(std::vector<std::string> extra) {
    std::vector<std::string> argv{build_root() + "/apps/demo/demo", "--http-port", "0", "--ws-port", "0",
                                  "--static", source_root() + "/static"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

int port_after(const std::string& line, const std::string& prefix) {
    return line.rfind(prefix, 0) == 0 ? std::stoi(line.substr(line.rfind(':') + 1)) : 0;
}

}  // namespace

DemoProcess::DemoProcess(std::vector<std::string> extra) : process_(command(std::move(extra))) {
    if (!process_.started()) return;
    for (int i = 0; i < 2; ++i) {
        auto line = process_.read_line(10s);
        if (!line) return;
        // http:// or https://, ws:// or wss:// (--tls-cert)
        if (int p = port_after(*line, "HTTP listening on http"); p) http_port_ = p;
        if (int p = port_after(*line, "WebSocket listening on ws"); p) ws_port_ = p;
    }
}

std::string DemoProcess::ws_base() const { return "ws://127.0.0.1:" + std::to_string(ws_port_); }

}  // namespace testing_support
