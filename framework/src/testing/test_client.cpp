// TestClient: its targets (an App in this loop, or a server elsewhere), the loop pump, and the request side:
// one HttpExchange per request, cookies kept, redirects followed on request.
#include "duplex/testing.h"

#include "loop/loop_core.h"
#include "testing/client_state.h"
#include "testing/http_exchange.h"

#include <uv.h>

#include <strings.h>

namespace duplex::testing {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Port 0 means "not listening yet": listen on loopback with a free port.
template <class Server>
int listening_port(Server& server) {
    if (server.port() == 0) {
        if (int rc = server.listen({.host = "127.0.0.1", .port = 0}); rc != 0)
            throw std::runtime_error("duplex::testing: cannot listen on 127.0.0.1: " + error_text(rc));
    }
    return server.port();
}

// Runs the loop one turn at a time until done() or the bound; returns done().
bool pump(EventLoop& loop, const std::function<bool()>& done, std::chrono::milliseconds limit) {
    if (done()) return true;
    uv_update_time(loop.native());  // the loop's clock stood still between calls: the bound starts now
    bool expired = false;
    const TimerId timer = loop.set_timeout(limit, [&expired] { expired = true; });
    while (!done() && !expired) uv_run(loop.native(), UV_RUN_ONCE);
    loop.clear_timer(timer);
    return done();
}

}  // namespace

std::string TestClient::State::authority(int port) const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

TestClient::TestClient(std::unique_ptr<State> state) : state_(std::move(state)) {}

TestClient::TestClient(App& app, TestClientOptions options) : state_(std::make_unique<State>()) {
    state_->loop = &app.loop();
    state_->http_port = state_->ws_port = listening_port(app);
    state_->options = options;
}

TestClient::TestClient(App& app, WsServer& wss, TestClientOptions options) : TestClient(app, options) {
    state_->ws_port = listening_port(wss);
}

TestClient TestClient::remote(std::string host, int http_port, int ws_port, TestClientOptions options) {
    auto state = std::make_unique<State>();
    state->own_loop = std::make_unique<EventLoop>();
    state->loop = state->own_loop.get();
    state->host = std::move(host);
    state->http_port = http_port;
    state->ws_port = ws_port != 0 ? ws_port : http_port;
    state->options = options;
    return TestClient(std::move(state));
}

TestClient::~TestClient() = default;
TestClient::TestClient(TestClient&&) noexcept = default;

TestRequest TestClient::request(std::string_view method, std::string_view target) {
    return TestRequest(*this, std::string(method), std::string(target));
}
TestRequest TestClient::get(std::string_view target) { return request("GET", target); }
TestRequest TestClient::head(std::string_view target) { return request("HEAD", target); }
TestRequest TestClient::post(std::string_view target) { return request("POST", target); }
TestRequest TestClient::put(std::string_view target) { return request("PUT", target); }
TestRequest TestClient::patch(std::string_view target) { return request("PATCH", target); }
TestRequest TestClient::del(std::string_view target) { return request("DELETE", target); }
TestRequest TestClient::options(std::string_view target) { return request("OPTIONS", target); }

std::optional<std::string> TestClient::cookie(std::string_view name) const { return state_->jar.get(name); }
void TestClient::set_cookie(std::string_view name, std::string_view value) { state_->jar.set(name, value); }
void TestClient::clear_cookies() { state_->jar.clear(); }

EventLoop& TestClient::loop() { return *state_->loop; }
int TestClient::http_port() const { return state_->http_port; }
int TestClient::ws_port() const { return state_->ws_port; }

void TestClient::run_until(const std::function<bool()>& done, std::string_view what,
                           std::optional<std::chrono::milliseconds> bound) {
    const std::chrono::milliseconds limit = bound.value_or(state_->options.timeout);
    if (!pump(*state_->loop, done, limit))
        throw Timeout("duplex::testing: " + std::string(what) + ": nothing within " + std::to_string(limit.count()) +
                      " ms");
}

void TestClient::run_for(std::chrono::milliseconds duration) {
    pump(*state_->loop, [] { return false; }, duration);
}

TestResponse TestClient::perform(const TestRequest& rq) {
    State& s = *state_;
    const std::chrono::milliseconds bound = rq.timeout_.value_or(s.options.timeout);
    const bool follow = rq.follow_.value_or(s.options.follow_redirects);
    std::string method = rq.method_;
    std::string target = rq.target_;
    std::string body = rq.body_;
    bool framed_by_user = false;
    for (const auto& [name, value] : rq.headers_)
        framed_by_user = framed_by_user || same_name(name, "content-length") || same_name(name, "transfer-encoding");
    for (int hop = 0;; ++hop) {
        std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: " + s.authority(s.http_port) + "\r\n";
        for (const auto& [name, value] : rq.headers_) {
            if (body.empty() && hop > 0 && same_name(name, "content-type")) continue;  // a 303 dropped the body
            bytes.append(name).append(": ").append(value).append("\r\n");
        }
        if (s.options.cookies && !s.jar.empty()) bytes.append("Cookie: ").append(s.jar.header()).append("\r\n");
        const bool may_have_body = method == "POST" || method == "PUT" || method == "PATCH";
        if (!framed_by_user && (!body.empty() || may_have_body))
            bytes.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
        bytes.append("\r\n").append(body);

        const std::string what = method + " " + target;
        auto exchange = std::make_shared<detail::testing::HttpExchange>(
            detail::LoopCore::of(s.loop->native()), std::move(bytes), method == "HEAD");
        exchange->start(s.host, static_cast<std::uint16_t>(s.http_port), bound);
        try {
            run_until([&exchange] { return exchange->finished(); }, what, bound);
        } catch (...) {
            exchange->cancel();
            throw;
        }
        if (!exchange->error().empty()) throw Timeout("duplex::testing: " + what + ": " + exchange->error());
        TestResponse response = std::move(exchange->response());
        if (s.options.cookies)
            for (const std::string& line : response.header_values("set-cookie"))
                s.jar.store(line, std::chrono::system_clock::now());

        if (!follow || !is_redirect(response.status) || hop >= s.options.max_redirects) return response;
        // Only a path on this server, or an absolute URL naming it, can be followed.
        std::string location = response.header("location");
        const std::string self = "http://" + s.authority(s.http_port);
        if (location.rfind(self, 0) == 0) location.erase(0, self.size());
        if (location.empty() || location.front() != '/') return response;
        if (response.status == 303 || ((response.status == 301 || response.status == 302) && method == "POST")) {
            method = "GET";  // as browsers do: the body stays behind
            body.clear();
        }
        target = std::move(location);
    }
}

}  // namespace duplex::testing
