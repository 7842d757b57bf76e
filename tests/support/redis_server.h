// RedisServer: Debian's redis-server for the Redis bridge tests, on a free loopback port with persistence off
// (--save '' --appendonly no), in a scratch directory. start() waits (bounded) until it answers PING; stop()
// ends it by its pid (SIGKILL: a crash as the bridge sees one); start() again brings it back on the same port.
// Lifetime: the destructor stops it. Threads: the test's.
#pragma once

#include "support/loopback_socket.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <memory>
#include <string>
#include <vector>

namespace testing_support {

class RedisServer {
public:
    // extra: more redis-server flags ({"--requirepass", "secret"}).
    explicit RedisServer(std::vector<std::string> extra = {});
    ~RedisServer();

    // False when redis-server is missing or did not answer within 10 s.
    bool start();
    void stop();
    bool running() const { return process_ != nullptr; }
    int port() const { return port_; }
    // "redis://127.0.0.1:<port>"
    std::string url() const;
    // Waits (bounded) until `count` connections subscribe to `channel` (PUBSUB NUMSUB through redis-cli): a
    // SUBSCRIBE takes effect when Redis has read it, and what is published elsewhere before is not delivered.
    bool wait_subscribers(const std::string& channel, int count, std::chrono::milliseconds bound = 5s);

private:
    std::vector<std::string> extra_;
    TempDir dir_;
    std::unique_ptr<Process> process_;
    int port_ = 0;
};

// True when a TCP connection to 127.0.0.1:port is accepted within the bound (retrying every 20 ms).
bool wait_accepting(int port, std::chrono::milliseconds bound);

}  // namespace testing_support
