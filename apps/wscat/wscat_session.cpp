#include "wscat_session.h"

#include <csignal>
#include <cstdio>

namespace wscat {
namespace {

void say(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

Session::Session(duplex::EventLoop& loop, const Options& opt)
    : loop_(loop), opt_(opt),
      input_(loop.native(), [this](std::string_view line) { send_line(line); },
             [this] { close_after_wait(); }) {}

void Session::start() {
    duplex::ClientOptions o{
        .onopen = [this](duplex::WebSocket& ws) { opened(ws); },
        .onmessage = [this](duplex::WebSocket&, const duplex::Message& m) { print(m); },
        .onclose = [this](duplex::WebSocket&, const duplex::CloseEvent& ev) { closed(ev); },
        .onerror = [](duplex::WebSocket&, const duplex::Error& e) { say("error: " + e.message()); },
        .ondrain = [this](duplex::WebSocket&) { input_.resume(); },
        .protocols = opt_.protocols,
        .headers = opt_.headers,
    };
    o.options.permessage_deflate = opt_.deflate;
    o.tls.ca_file = opt_.ca_file;
    o.tls.insecure_skip_verify = opt_.insecure;
    // The user reads at their own pace: no idle pings from us, and one message may be large.
    o.options.idle_timeout = std::chrono::milliseconds(0);
    ws_ = duplex::connect(loop_, opt_.url, std::move(o));
    loop_.on_signal({SIGINT, SIGTERM}, [this](int) { interrupt(); });
}

void Session::opened(duplex::WebSocket& ws) {
    std::string line = "connected to " + opt_.url;
    if (!ws.protocol().empty()) line += " (protocol " + ws.protocol() + ")";
    if (!ws.extensions().empty()) line += " (extensions " + ws.extensions() + ")";
    say(line);
    if (opt_.execute.empty()) {
        if (int rc = input_.start(); rc != 0) {
            say(std::string("cannot read standard input: ") + uv_strerror(rc));
            ws.close(duplex::CloseCode::Normal);
        }
        return;
    }
    for (const std::string& message : opt_.execute) send_line(message);
    close_after_wait();
}

void Session::close_after_wait() {
    // Replies to what was sent last still count: a WebSocket drops the messages that arrive once it is CLOSING.
    const auto wait = std::chrono::milliseconds(static_cast<long long>(opt_.wait_seconds * 1000));
    wait_timer_ = loop_.set_timeout(wait, [this] {
        wait_timer_ = 0;
        ws_.close(duplex::CloseCode::Normal);
    });
}

void Session::print(const duplex::Message& m) const {
    const std::string text = m.binary ? encode(m.data, opt_.binary.value_or(Encoding::Hex)) : std::string(m.data);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void Session::send_line(std::string_view line) {
    duplex::SendResult result;
    if (opt_.binary) {
        std::optional<std::string> bytes = decode(line, *opt_.binary);
        if (!bytes) {
            say(std::string("not ") + (*opt_.binary == Encoding::Hex ? "hex" : "base64") + ", not sent: " +
                std::string(line));
            return;
        }
        result = ws_.send_binary(*bytes);
    } else {
        result = ws_.send(line);
    }
    // Stop reading input until the socket has taken what is queued.
    if (result == duplex::SendResult::Backpressure) input_.pause();
}

void Session::closed(const duplex::CloseEvent& ev) {
    input_.stop();
    if (wait_timer_ != 0) loop_.clear_timer(wait_timer_);
    wait_timer_ = 0;
    say("closed " + std::to_string(ev.code) + (ev.reason.empty() ? "" : " " + ev.reason) +
        (ev.was_clean ? "" : " (not clean)"));
    const bool normal = ev.code == duplex::CloseCode::Normal || ev.code == duplex::CloseCode::GoingAway ||
                        ev.code == duplex::CloseCode::NoStatus;
    exit_code_ = ev.was_clean && normal ? 0 : 1;
}

void Session::interrupt() {
    if (interrupted_) {
        ws_.terminate();
        return;
    }
    interrupted_ = true;
    ws_.close(duplex::CloseCode::Normal);
}

}  // namespace wscat
