// ExampleProcess: one of the example apps of this build (build/examples/NAME/NAME) run as a child process, its
// stdout read line by line. Servers are started with --port 0 and announce "listening on SCHEME://127.0.0.1:PORT...";
// port() is that port; client() is a duplex::testing::TestClient for it (remote: the example runs as the process
// users run).
// Lifetime: the process is ended (SIGKILL) by the destructor unless stopped first. Threads: the test's.
#pragma once

#include "support/process.h"
#include "support/raw_client.h"

#include <duplex/testing.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

class ExampleProcess {
public:
    enum class Kind { Server, Client };
    // Server: "--port 0" is added to args, and the announced port is read (10 s bound). Client: args as given.
    explicit ExampleProcess(const std::string& name, std::vector<std::string> args = {}, Kind kind = Kind::Server);

    int port() const { return port_; }
    Process& process() { return process_; }
    // Made on first use, for 127.0.0.1:port().
    duplex::testing::TestClient& client();
    // The next stdout line starting with prefix; lines before it are skipped and kept in skipped().
    std::optional<std::string> line_starting(const std::string& prefix, std::chrono::milliseconds bound = 10s);
    const std::vector<std::string>& skipped() const { return skipped_; }
    // SIGTERM, then the exit code (the examples stop gracefully and return 0).
    std::optional<int> stop(int sig = 15);

private:
    Process process_;
    int port_ = 0;
    std::vector<std::string> skipped_;
    std::unique_ptr<duplex::testing::TestClient> client_;
};

}  // namespace testing_support
