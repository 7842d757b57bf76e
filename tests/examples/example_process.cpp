#include "examples/example_process.h"

#include <algorithm>

namespace testing_support {

namespace {

std::vector<std::string> command(const std::string& name, std::vector<std::string> args, ExampleProcess::Kind kind) {
    args.insert(args.begin(), build_root() + "/examples/" + name + "/" + name);
    if (kind == ExampleProcess::Kind::Server) args.insert(args.end(), {"--port", "0"});
    return args;
}

}  // namespace

ExampleProcess::ExampleProcess(const std::string& name, std::vector<std::string> args, Kind kind)
    : process_(command(name, std::move(args), kind)) {
    if (kind != Kind::Server) return;
    const std::string host = "127.0.0.1:";
    if (auto line = line_starting("listening on "); line && line->find(host) != std::string::npos)
        port_ = std::stoi(line->substr(line->find(host) + host.size()));
}

std::optional<std::string> ExampleProcess::line_starting(const std::string& prefix, std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto line = process_.read_line(std::max(left, std::chrono::milliseconds(1)));
        if (!line) return std::nullopt;
        if (line->rfind(prefix, 0) == 0) return line;
        skipped_.push_back(*line);
    }
    return std::nullopt;
}

std::optional<int> ExampleProcess::stop(int sig) {
    process_.signal(sig);
    return process_.wait(10s);
}

duplex::testing::TestClient& ExampleProcess::client() {
    if (!client_)
        client_ = std::make_unique<duplex::testing::TestClient>(duplex::testing::TestClient::remote("127.0.0.1", port_));
    return *client_;
}

}  // namespace testing_support
