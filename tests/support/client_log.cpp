#include "support/client_log.h"

namespace testing_support {
namespace {

std::string describe(const duplex::Message& m) {
    if (m.binary) return "message binary " + std::to_string(m.data.size()) + " bytes";
    if (m.data.size() > 64) return "message text " + std::to_string(m.data.size()) + " bytes";
    return "message text " + std::string(m.data);
}

}  // namespace

std::string ClientLog::summary() const {
    std::string out;
    for (const std::string& e : events) {
        if (!out.empty()) out += " | ";
        out += e;
    }
    return out;
}

duplex::ClientOptions ClientLog::wrap(duplex::ClientOptions o) {
    auto note = [this](duplex::WebSocket& ws, std::string event) {
        events.push_back(std::move(event));
        states.push_back(ws.ready_state());
    };
    o.onopen = [note, user = std::move(o.onopen)](duplex::WebSocket& ws) {
        note(ws, "open");
        if (user) user(ws);
    };
    o.onmessage = [this, note, user = std::move(o.onmessage)](duplex::WebSocket& ws, const duplex::Message& m) {
        note(ws, describe(m));
        messages.emplace_back(m.binary, std::string(m.data));
        if (user) user(ws, m);
    };
    o.onping = [note, user = std::move(o.onping)](duplex::WebSocket& ws, std::string_view payload) {
        note(ws, "ping " + std::string(payload));
        if (user) user(ws, payload);
    };
    o.onpong = [note, user = std::move(o.onpong)](duplex::WebSocket& ws, std::string_view payload) {
        note(ws, "pong " + std::string(payload));
        if (user) user(ws, payload);
    };
    o.ondrain = [note, user = std::move(o.ondrain)](duplex::WebSocket& ws) {
        note(ws, "drain");
        if (user) user(ws);
    };
    o.onerror = [this, note, user = std::move(o.onerror)](duplex::WebSocket& ws, const duplex::Error& e) {
        note(ws, "error");
        error = e.message();
        if (user) user(ws, e);
    };
    o.onclose = [this, note, user = std::move(o.onclose)](duplex::WebSocket& ws, const duplex::CloseEvent& ev) {
        note(ws, "close " + std::to_string(ev.code) + " " + ev.reason + (ev.was_clean ? " clean" : " unclean"));
        close = ev;
        if (user) user(ws, ev);
    };
    return o;
}

bool run_loop(duplex::EventLoop& loop, std::chrono::milliseconds bound) {
    bool timed_out = false;
    // Unreferenced: the guard alone does not keep the loop running, so a loop whose work is done ends at once.
    const duplex::TimerId guard = loop.set_timeout(bound, [&] {
        timed_out = true;
        loop.stop();
    }, true);
    loop.run();
    loop.clear_timer(guard);
    return !timed_out;
}

ClientLog exchange(const std::string& url, duplex::ClientOptions options, std::chrono::milliseconds bound) {
    duplex::EventLoop loop;
    ClientLog log;
    duplex::connect(loop, url, log.wrap(std::move(options)));
    if (!run_loop(loop, bound)) log.events.emplace_back("loop timed out");
    return log;
}

duplex::ClientOptions echo_in_turn(std::vector<std::pair<bool, std::string>> messages) {
    auto list = std::make_shared<const std::vector<std::pair<bool, std::string>>>(std::move(messages));
    auto next = std::make_shared<std::size_t>(0);
    auto send_next = [list, next](duplex::WebSocket& ws) {
        if (*next == list->size()) {
            ws.close(duplex::CloseCode::Normal, "done");
            return;
        }
        const auto& [binary, data] = (*list)[(*next)++];
        binary ? ws.send_binary(data) : ws.send(data);
    };
    return {
        .onopen = send_next,
        .onmessage = [send_next](duplex::WebSocket& ws, const duplex::Message&) { send_next(ws); },
    };
}

std::string sample_text(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
    return s;
}

}  // namespace testing_support
