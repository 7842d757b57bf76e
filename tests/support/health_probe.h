// HealthProbe: a healthy client that keeps doing round trips on a thread of its own while a stress test abuses
// the server, counting answers that were right and those that were wrong or late. "Other connections keep
// working throughout" is then: failed() == 0 and ok() > 0.
// Lifetime: stop() (or the destructor) ends and joins the thread. Threads: its own; read counts from any.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace testing_support {

using namespace std::chrono_literals;

class HealthProbe {
public:
    // check: one round trip (the lambda owns its connection); true when the answer was exactly right.
    explicit HealthProbe(std::function<bool()> check, std::chrono::milliseconds period = 20ms);
    ~HealthProbe();
    HealthProbe(const HealthProbe&) = delete;
    HealthProbe& operator=(const HealthProbe&) = delete;

    void stop();
    int ok() const { return ok_; }
    int failed() const { return failed_; }

private:
    std::atomic<bool> running_{true};
    std::atomic<int> ok_{0};
    std::atomic<int> failed_{0};
    std::thread thread_;
};

// GET `path` on one keep-alive connection, expecting 200 and exactly `body`.
std::function<bool()> http_get_check(int port, std::string path, std::string body);
// A WebSocket on `path` whose server echoes text: each round sends a numbered message and expects it back.
std::function<bool()> ws_echo_check(int port, std::string path);

}  // namespace testing_support
