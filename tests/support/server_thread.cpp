#include "server_thread.h"

#include <condition_variable>
#include <cstdio>
#include <mutex>

namespace testing_support {

ServerThread::ServerThread(Setup setup, duplex::HttpOptions http, bool with_ws, duplex::TlsOptions tls) {
    app_ = std::make_unique<duplex::App>(loop_, http);
    wss_ = std::make_unique<duplex::WsServer>(loop_, http);
    setup(*app_, *wss_);
    if (app_->listen({.host = "127.0.0.1", .port = 0, .tls = tls}) == 0) http_port_ = app_->port();
    if (with_ws && wss_->listen({.host = "127.0.0.1", .port = 0, .tls = tls}) == 0) ws_port_ = wss_->port();
    thread_ = std::thread([this] {
        loop_.run();
        finished_ = true;
    });
}

ServerThread::~ServerThread() { stop(); }

bool ServerThread::run_on_loop(std::function<void()> fn) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    loop_.post([&] {
        fn();
        std::lock_guard<std::mutex> lock(m);
        done = true;
        cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; });
}

bool ServerThread::stop(std::chrono::milliseconds bound) {
    if (stopped_) return true;
    stopped_ = true;
    loop_.post([this] {
        app_->close();
        wss_->close();
    });
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!finished_ && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    bool clean = finished_;
    if (!clean) {
        std::fprintf(stderr, "ServerThread: loop did not end within %lld ms; stopping it\n",
                     static_cast<long long>(bound.count()));
        loop_.post([this] { loop_.stop(); });
    }
    thread_.join();
    // Servers die on the loop's thread rules: the loop is no longer running, so this thread may do it.
    app_.reset();
    wss_.reset();
    return clean;
}

}  // namespace testing_support
