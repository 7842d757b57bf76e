#include "support/redis_server.h"

#include "support/raw_client.h"

#include <csignal>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testing_support {

bool wait_accepting(int port, std::chrono::milliseconds bound) {
    const auto end = std::chrono::steady_clock::now() + bound;
    do {
        RawClient probe;
        if (probe.connect(port)) return true;
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < end);
    return false;
}

RedisServer::RedisServer(std::vector<std::string> extra) : extra_(std::move(extra)) {}

RedisServer::~RedisServer() { stop(); }

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

bool RedisServer::wait_subscribers(const std::string& channel, int count, std::chrono::milliseconds bound) {
    const auto end = std::chrono::steady_clock::now() + bound;
    const std::string want = channel + "\n" + std::to_string(count) + "\n";
    do {
        auto [rc, out] = run_command({"redis-cli", "-p", std::to_string(port_), "pubsub", "numsub", channel}, 5s);
        if (rc == 0 && out == want) return true;
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < end);
    return false;
}

bool RedisServer::start() {
    if (process_) return true;
    if (!have_program("redis-server")) return false;
    if (port_ == 0) port_ = free_loopback_port();
    std::vector<std::string> argv = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", dir_.path(),
                                     "--logfile", dir_.path() + "/redis.log", "--daemonize", "no"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    process_ = std::make_unique<Process>(argv);
    if (!process_->started() || !wait_accepting(port_, 10s)) {
        stop();
        return false;
    }
    return true;
}

void RedisServer::stop() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait(10s);
    process_.reset();
}

}  // namespace testing_support
