#include "support/ws_event_log.h"

namespace testing_support {

void WsEventLog::attach(duplex::WsRoute& route) {
    route.onopen = [this, next = std::move(route.onopen)](duplex::WebSocket& ws, const duplex::Request& req) {
        on_open(ws);
        if (next) next(ws, req);
    };
    route.onerror = [this, next = std::move(route.onerror)](duplex::WebSocket& ws, const duplex::Error& e) {
        on_error(ws);
        if (next) next(ws, e);
    };
    // Recorded after the route's own onclose, so that a test woken by wait_closed sees all of its effects.
    route.onclose = [this, next = std::move(route.onclose)](duplex::WebSocket& ws, const duplex::CloseEvent& ev) {
        if (next) next(ws, ev);
        on_close(ws, ev);
    };
}

void WsEventLog::on_open(const duplex::WebSocket& ws) {
    std::lock_guard<std::mutex> lock(mutex_);
    ConnectionRecord& r = records_[ws.id()];
    r.url = ws.url();
    ++r.opens;
    peak_ = std::max(peak_, ++open_now_);
}

void WsEventLog::on_error(const duplex::WebSocket& ws) {
    std::lock_guard<std::mutex> lock(mutex_);
    ConnectionRecord& r = records_[ws.id()];
    ++r.errors;
    if (r.closes > 0) r.error_after_close = true;
}

void WsEventLog::on_close(const duplex::WebSocket& ws, const duplex::CloseEvent& ev) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ConnectionRecord& r = records_[ws.id()];
        ++r.closes;
        r.code = ev.code;
        r.reason = ev.reason;
        r.was_clean = ev.was_clean;
        r.state_in_onclose = ws.ready_state();
        if (open_now_ > 0) --open_now_;
        ++closed_;
    }
    changed_.notify_all();
}

std::optional<ConnectionRecord> WsEventLog::wait_closed(const std::string& url, std::chrono::milliseconds bound) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::optional<ConnectionRecord> found;
    changed_.wait_for(lock, bound, [&] {
        for (const auto& [id, r] : records_)
            if (r.url == url && r.closes > 0) found = r;
        return found.has_value();
    });
    return found;
}

bool WsEventLog::wait_closed_count(std::size_t n, std::chrono::milliseconds bound) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, bound, [&] { return closed_ >= n; });
}

std::size_t WsEventLog::opened() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, r] : records_) n += r.opens > 0 ? 1 : 0;
    return n;
}

std::size_t WsEventLog::closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
}

std::size_t WsEventLog::peak_open() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
}

std::string WsEventLog::violations() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto& [id, r] : records_) {
        const std::string who = "connection " + std::to_string(id) + " (" + r.url + "): ";
        if (r.opens != 1) out += who + std::to_string(r.opens) + " onopen\n";
        if (r.closes > 1) out += who + std::to_string(r.closes) + " onclose\n";
        if (r.error_after_close) out += who + "onerror after onclose\n";
        if (r.closes == 1 && r.state_in_onclose != duplex::ReadyState::Closed) out += who + "not CLOSED in onclose\n";
    }
    return out;
}

}  // namespace testing_support
