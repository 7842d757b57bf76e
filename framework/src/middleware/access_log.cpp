// The access-log middleware: each request gets the log as its ResponseObserver; finished responses are formatted
// into the loop's batch, written once per loop turn by a turn hook.
#include "duplex/access_log.h"

#include "http/middleware_access.h"
#include "http/response_observer.h"
#include "loop/loop_core.h"

#include <memory>
#include <unistd.h>
#include <vector>

namespace duplex {

namespace {

void write_stderr(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t w = ::write(STDERR_FILENO, bytes.data(), bytes.size());
        if (w <= 0) return;  // stderr closed or failing: the log is not worth blocking the loop for
        bytes.remove_prefix(static_cast<std::size_t>(w));
    }
}

class AccessLog;

// Per loop: the lines of this turn, one buffer per access log that wrote in it, flushed by the turn hook.
class AccessLogBatches : public detail::LoopService {
public:
    explicit AccessLogBatches(detail::LoopCore& core) { core.add_turn_hook(&flush_hook, this); }
    ~AccessLogBatches() override { flush(); }
    std::string& buffer_for(const std::shared_ptr<const AccessLog>& log);

private:
    static void flush_hook(void* self) { static_cast<AccessLogBatches*>(self)->flush(); }
    void flush();
    struct Batch {
        std::shared_ptr<const AccessLog> log;
        std::string lines;
    };
    std::vector<Batch> batches_;  // one per access log used on this loop: a handful at most
};

class AccessLog : public detail::ResponseObserver, public std::enable_shared_from_this<AccessLog> {
public:
    explicit AccessLog(AccessLogOptions o) : options_(std::move(o)) {}
    void on_response_done(const Request& req, const detail::ResponseFacts& f) noexcept override {
        try {
            AccessRecord r{req.remote_address(), req.method(), req.target(), req.http_major(), req.http_minor(),
                           f.status, f.body_bytes, static_cast<double>(f.elapsed_ns) / 1e6,
                           req.header("referer"), req.header("user-agent"), std::chrono::system_clock::now()};
            auto& batches = detail::LoopCore::of(f.loop).service<AccessLogBatches>();
            format_access_line(batches.buffer_for(shared_from_this()), options_.format, r);
        } catch (...) {  // out of memory: the line is lost, the response is not
        }
    }
    void write(std::string_view lines) const {
        if (!options_.sink) {
            write_stderr(lines);
            return;
        }
        try {
            options_.sink(lines);
        } catch (...) {
        }
    }

private:
    AccessLogOptions options_;
};

std::string& AccessLogBatches::buffer_for(const std::shared_ptr<const AccessLog>& log) {
    for (Batch& b : batches_)
        if (b.log == log) return b.lines;
    batches_.push_back({log, {}});
    return batches_.back().lines;
}

void AccessLogBatches::flush() {
    for (Batch& b : batches_) {
        if (b.lines.empty()) continue;
        b.log->write(b.lines);
        b.lines.clear();
        if (b.lines.capacity() > 64 * 1024) b.lines.shrink_to_fit();  // after a burst, do not keep its memory
    }
}

}  // namespace

Middleware access_log(AccessLogOptions options) {
    auto log = std::make_shared<AccessLog>(std::move(options));
    return [log](Request&, Response& res, Next next) {
        detail::MiddlewareAccess::set_observer(res, log);
        next();
    };
}

}  // namespace duplex
