// WsEventLog: what a server saw of each WebSocket connection (open, errors, close with code/reason/was_clean),
// recorded on the loop thread and read by the test thread. attach() hooks it into a route, keeping the
// route's own callbacks. It also checks the lifecycle contract: onclose exactly once per opened connection,
// onerror only before onclose.
// Lifetime: must outlive the server whose routes it is attached to. Threads: any (guarded by a mutex).
#pragma once

#include <duplex/websocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

struct ConnectionRecord {
    std::string url;
    int opens = 0;
    int errors = 0;
    int closes = 0;
    bool error_after_close = false;
    std::uint16_t code = 0;     // from onclose
    std::string reason;
    bool was_clean = false;
    duplex::ReadyState state_in_onclose = duplex::ReadyState::Open;
};

class WsEventLog {
public:
    // Wraps the route's onopen / onerror / onclose so that each event is recorded, then passed on.
    void attach(duplex::WsRoute& route);

    // Waits until the connection opened with this url has closed; returns its record.
    std::optional<ConnectionRecord> wait_closed(const std::string& url,
                                                std::chrono::milliseconds bound = std::chrono::seconds(5));
    // Waits until `n` connections have closed in all.
    bool wait_closed_count(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds(5));
    std::size_t opened() const;
    std::size_t closed() const;
    std::size_t peak_open() const;
    // Lifecycle violations so far ("" when none): a second onclose, onerror after onclose, onclose without open.
    std::string violations() const;

private:
    void on_open(const duplex::WebSocket& ws);
    void on_error(const duplex::WebSocket& ws);
    void on_close(const duplex::WebSocket& ws, const duplex::CloseEvent& ev);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::uint64_t, ConnectionRecord> records_;
    std::size_t open_now_ = 0;
    std::size_t peak_ = 0;
    std::size_t closed_ = 0;
};

}  // namespace testing_support
