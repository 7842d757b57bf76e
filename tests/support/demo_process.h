// DemoProcess: the demo binary of this build started on free ports (--http-port 0 --ws-port 0, the repository's
// static/), its two ports read from the "listening" lines it prints once ready.
// Lifetime: the process is ended (SIGKILL) by the destructor unless stopped first. Threads: the test's.
#pragma once

#include "support/process.h"

#include <string>
#include <vector>

namespace testing_support {

class DemoProcess {
public:
    // extra: flags added to the command line (default: --quiet, no access log).
    explicit DemoProcess(std::vector<std::string> extra = {"--quiet"});

    // Both listeners announced within 10 s.
    bool ready() const { return http_port_ > 0 && ws_port_ > 0; }
    int http_port() const { return http_port_; }
    int ws_port() const { return ws_port_; }
    // "ws://127.0.0.1:<ws port>"
    std::string ws_base() const;
    Process& process() { return process_; }

private:
    Process process_;
    int http_port_ = 0;
    int ws_port_ = 0;
};

}  // namespace testing_support
