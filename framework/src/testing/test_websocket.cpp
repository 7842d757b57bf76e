// TestClient::ws and TestWebSocket: duplex's own client (duplex::connect) with callbacks that queue what arrives,
// read by calls that drive the loop until it is there.
#include "duplex/client.h"
#include "duplex/testing.h"

#include "testing/client_state.h"

namespace duplex::testing {

TestWebSocket TestClient::ws(std::string_view path, TestWsOptions options) {
    State& s = *state_;
    auto state = std::make_shared<TestWebSocket::State>();
    ClientOptions client;
    client.protocols = std::move(options.protocols);
    client.headers = std::move(options.headers);
    client.options = options.options;
    client.connect_timeout = client.handshake_timeout = s.options.timeout;
    if (s.options.cookies && !s.jar.empty()) client.headers.emplace_back("Cookie", s.jar.header());
    client.onopen = [state](WebSocket&) { state->open = true; };
    client.onmessage = [state](WebSocket&, const Message& m) {
        state->messages.push_back({std::string(m.data), m.binary});
    };
    client.onerror = [state](WebSocket&, const Error& e) { state->error = e.message(); };
    client.onclose = [state](WebSocket&, const CloseEvent& ev) { state->closed = ev; };
    const std::string url = "ws://" + s.authority(s.ws_port) + std::string(path);
    TestWebSocket ws(*this, connect(*s.loop, url, std::move(client)), state);
    run_until([&state] { return state->open || state->closed; }, "WebSocket " + url + " opening");
    if (!state->open) throw Timeout("duplex::testing: WebSocket " + url + " did not open: " + state->error);
    return ws;
}

TestWebSocket::TestWebSocket(TestClient& client, WebSocket socket, std::shared_ptr<State> state)
    : client_(&client), socket_(std::move(socket)), state_(std::move(state)) {}

TestWebSocket::~TestWebSocket() {
    if (state_ && !state_->closed) socket_.terminate();
}

TestWebSocket::TestWebSocket(TestWebSocket&& o) noexcept
    : client_(o.client_), socket_(std::move(o.socket_)), state_(std::move(o.state_)) {}

TestWebSocket& TestWebSocket::operator=(TestWebSocket&& o) noexcept {
    if (this != &o) {
        if (state_ && !state_->closed) socket_.terminate();
        client_ = o.client_;
        socket_ = std::move(o.socket_);
        state_ = std::move(o.state_);
    }
    return *this;
}

SendResult TestWebSocket::send(std::string_view text) { return socket_.send(text); }
SendResult TestWebSocket::send_binary(std::string_view bytes) { return socket_.send_binary(bytes); }

TestMessage TestWebSocket::next(std::optional<std::chrono::milliseconds> bound) {
    State& s = *state_;
    client_->run_until([&s] { return !s.messages.empty() || s.closed; }, "a message on " + socket_.url(), bound);
    if (s.messages.empty())
        throw Timeout("duplex::testing: " + socket_.url() + " closed (" + std::to_string(s.closed->code) + " " +
                      s.closed->reason + ") before a message arrived");
    TestMessage m = std::move(s.messages.front());
    s.messages.pop_front();
    return m;
}

std::string TestWebSocket::next_message(std::optional<std::chrono::milliseconds> bound) { return next(bound).data; }

std::size_t TestWebSocket::pending() const { return state_->messages.size(); }

void TestWebSocket::close(std::uint16_t code, std::string_view reason) { socket_.close(code, reason); }

CloseEvent TestWebSocket::wait_closed(std::optional<std::chrono::milliseconds> bound) {
    State& s = *state_;
    client_->run_until([&s] { return s.closed.has_value(); }, "the close of " + socket_.url(), bound);
    return *s.closed;
}

std::optional<CloseEvent> TestWebSocket::close_event() const { return state_->closed; }

std::string TestWebSocket::protocol() const { return socket_.protocol(); }

WebSocket& TestWebSocket::socket() { return socket_; }

}  // namespace duplex::testing
