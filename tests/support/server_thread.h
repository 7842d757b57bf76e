// ServerThread: an EventLoop with an App and a WsServer, listening on 127.0.0.1 port 0 and running on a thread
// of its own, for integration tests. Configure the App / WsServer in the setup callback (it runs on the
// creating thread before the loop starts, which the framework allows).
//
// Lifetime: stop() (or the destructor) closes both servers gracefully through post() and joins the thread,
// bounded: a loop that does not end within the bound is stopped abruptly and reported as a failure.
#pragma once

#include <duplex/duplex.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace testing_support {

class ServerThread {
public:
    using Setup = std::function<void(duplex::App&, duplex::WsServer&)>;

    // tls: both servers listen with it (https, wss) when it holds a certificate.
    explicit ServerThread(Setup setup, duplex::HttpOptions http = {}, bool with_ws = true,
                          duplex::TlsOptions tls = {});
    ~ServerThread();

    int http_port() const { return http_port_; }
    int ws_port() const { return ws_port_; }
    duplex::EventLoop& loop() { return loop_; }
    duplex::App& app() { return *app_; }
    duplex::WsServer& wss() { return *wss_; }

    // Runs fn on the loop thread and waits for it (bounded by 5 s). Returns false on time-out.
    bool run_on_loop(std::function<void()> fn);
    // Graceful close of both servers; returns true when the loop ended by itself within `bound`.
    bool stop(std::chrono::milliseconds bound = std::chrono::milliseconds(10000));

private:
    duplex::EventLoop loop_;
    std::unique_ptr<duplex::App> app_;
    std::unique_ptr<duplex::WsServer> wss_;
    std::thread thread_;
    std::atomic<bool> finished_{false};
    int http_port_ = 0;
    int ws_port_ = 0;
    bool stopped_ = false;
};

}  // namespace testing_support
