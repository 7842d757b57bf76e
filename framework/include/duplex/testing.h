/// @file
/// duplex::testing: an in-process test client, like Express's supertest. Requests and WebSockets against your App
/// in a line each, without sockets or loops in the test:
///
///   duplex::EventLoop loop;
///   duplex::App app(loop);
///   app.get("/api/hello/:name", [](duplex::Request& req, duplex::Response& res) {
///       res.json({{"hello", req.param("name")}});
///   });
///   app.ws("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
///   duplex::testing::TestClient client(app);          // listens on 127.0.0.1 port 0 if the App does not listen
///   auto r = client.get("/api/hello/x").header("Accept", "application/json").send();
///   CHECK(r.status == 200);
///   CHECK(r.json()["hello"] == "x");
///   auto ws = client.ws("/echo");
///   ws.send("hi");
///   CHECK(ws.next_message() == "hi");
///
/// How it runs: the client speaks real HTTP/1.1 and WebSocket over loopback TCP to the App's port, and drives the
/// App's own EventLoop on the calling thread (uv_run, one turn at a time) until the answer is complete. Every wait
/// is bounded (TestClientOptions::timeout, or a per-call timeout): past it the call throws duplex::testing::Timeout
/// naming what it waited for, so a test fails clearly and never hangs. A server that is elsewhere (another
/// process, or a loop on another thread) is reached with TestClient::remote(host, port): the client then drives a
/// loop of its own.
///
/// Threads: everything here on one thread. In-process, that is the thread that owns the App's EventLoop, and that
/// loop must not be running (no loop.run() elsewhere): the client runs it. Never call the client from inside a
/// callback running on that loop (a handler, a timer): it would re-enter the loop.
/// Lifetime: the TestClient refers to the App (and WsServer) it was made for: destroy it first. TestRequest and
/// TestWebSocket refer to their TestClient: keep it alive while they are used. A TestWebSocket dropped while open
/// terminates its connection. The loop is only driven during calls: between them, nothing runs (timers wait).
#pragma once

#include "duplex/app.h"
#include "duplex/event_loop.h"
#include "duplex/json.h"
#include "duplex/websocket.h"
#include "duplex/ws_server.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The in-process test client (see the file comment).
namespace duplex::testing {

/// Thrown when a wait passes its bound, or a connection fails or closes before the answer: the message says
/// which request or message was awaited and what happened instead.
class Timeout : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One whole HTTP response. Plain data: copy it, keep it.
struct TestResponse {
    int status = 0;              ///< the status code
    std::string reason;          ///< the reason phrase
    /// Every header line, in order, names as the server wrote them.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;            ///< the body, de-chunked (empty for HEAD, 204, 304)

    /// The first value of a header (names compared case-insensitively); "" when absent.
    std::string header(std::string_view name) const;
    /// Every value of a header sent on several lines (Set-Cookie), in order.
    std::vector<std::string> header_values(std::string_view name) const;
    /// Whether the header is present.
    bool has_header(std::string_view name) const;
    /// The body parsed as JSON; throws nlohmann::json::parse_error when it is not JSON.
    nlohmann::json json() const;
};

/// Settings shared by every request and WebSocket of a TestClient.
struct TestClientOptions {
    /// How long one call may drive the loop (a request until its response, a WebSocket until open, a message).
    std::chrono::milliseconds timeout{10000};
    /// Follow 301/302/303/307/308 to the same server (off by default: a test usually checks the redirect itself).
    bool follow_redirects = false;
    /// Redirects followed per request before giving up (the last redirect response is returned).
    int max_redirects = 5;
    /// Keep cookies from Set-Cookie and send them back, as a browser does (one server: Path and Domain ignored;
    /// Max-Age <= 0 or an Expires in the past removes the cookie).
    bool cookies = true;
};

/// Options of one TestClient::ws connection.
struct TestWsOptions {
    std::vector<std::string> protocols;  ///< subprotocols offered, in order; the choice is protocol()
    /// Extra handshake headers (the client's cookies are added for you).
    std::vector<std::pair<std::string, std::string>> headers;
    WsOptions options;  ///< limits, permessage-deflate offer (options.permessage_deflate)
};

/// One received WebSocket message (a copy: it stays valid).
struct TestMessage {
    std::string data;     ///< the payload
    bool binary = false;  ///< a binary message, else text
    /// Compares the payload.
    bool operator==(std::string_view text) const { return data == text; }
};

class TestClient;

/// One request being built: set headers and a body, then send(). Made by TestClient::get and friends.
/// Lifetime: a value referring to its TestClient; send() may be called once or several times.
class TestRequest {
public:
    /// Adds a request header (Host and Content-Length are written for you; Cookie is merged with the jar's).
    TestRequest& header(std::string_view name, std::string_view value);
    /// The request body, with a Content-Type when one is given.
    TestRequest& body(std::string_view bytes, std::string_view content_type = {});
    /// A JSON body (Content-Type: application/json).
    TestRequest& json(const nlohmann::json& value);
    /// An application/x-www-form-urlencoded body from name/value pairs (percent-encoded here).
    TestRequest& form(const std::vector<std::pair<std::string, std::string>>& fields);
    /// Overrides TestClientOptions::follow_redirects for this request.
    TestRequest& follow_redirects(bool follow = true);
    /// Overrides TestClientOptions::timeout for this request.
    TestRequest& timeout(std::chrono::milliseconds bound);
    /// Sends it on a new connection and drives the loop until the whole response has arrived. Throws Timeout.
    TestResponse send();

private:
    friend class TestClient;
    TestRequest(TestClient& client, std::string method, std::string target);
    TestClient* client_;
    std::string method_;
    std::string target_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string body_;
    std::optional<bool> follow_;
    std::optional<std::chrono::milliseconds> timeout_;
};

/// A WebSocket opened by TestClient::ws, its incoming messages queued until asked for.
/// Lifetime: refers to its TestClient; dropped while open, its connection is terminated. Threads: the client's.
class TestWebSocket {
public:
    ~TestWebSocket();
    TestWebSocket(TestWebSocket&&) noexcept;  ///< moves the connection
    TestWebSocket& operator=(TestWebSocket&&) noexcept;  ///< terminates this one's connection, takes the other's
    TestWebSocket(const TestWebSocket&) = delete;
    TestWebSocket& operator=(const TestWebSocket&) = delete;

    /// Sends a text or binary message (the loop runs it out at the next wait).
    ///@{
    SendResult send(std::string_view text);
    SendResult send_binary(std::string_view bytes);
    ///@}
    /// The next message's payload, driving the loop until one arrives. Throws Timeout when none comes within the
    /// bound, or the connection closes first.
    std::string next_message(std::optional<std::chrono::milliseconds> bound = {});
    /// The next message with its kind (text or binary); same waiting rules.
    TestMessage next(std::optional<std::chrono::milliseconds> bound = {});
    /// Messages received and not yet taken (no waiting: call TestClient::run_for first to let some arrive).
    std::size_t pending() const;
    /// Starts the closing handshake.
    void close(std::uint16_t code = CloseCode::Normal, std::string_view reason = {});
    /// Drives the loop until the connection is closed (by either side); returns how it closed. Throws Timeout.
    CloseEvent wait_closed(std::optional<std::chrono::milliseconds> bound = {});
    /// The close event once closed, else nullopt (no waiting).
    std::optional<CloseEvent> close_event() const;
    /// The subprotocol the server chose ("" when none).
    std::string protocol() const;
    /// The underlying client handle (ready_state, buffered_amount, ping, ...).
    WebSocket& socket();

private:
    friend class TestClient;
    struct State;
    TestWebSocket(TestClient& client, WebSocket socket, std::shared_ptr<State> state);
    TestClient* client_;
    WebSocket socket_;
    std::shared_ptr<State> state_;
};

/// The test client. See the file comment for how it runs, its threads and lifetimes.
class TestClient {
public:
    /// In-process: requests and WebSockets (app.ws endpoints) go to this App. If the App does not listen yet,
    /// the client makes it listen on 127.0.0.1 port 0.
    explicit TestClient(App& app, TestClientOptions options = {});
    /// In-process, with WebSockets going to a WsServer's port (listening on 127.0.0.1 port 0 if not yet).
    TestClient(App& app, WsServer& wss, TestClientOptions options = {});
    /// A server outside this loop: another process, or an App whose loop runs on another thread. The client
    /// drives a loop of its own. ws_port 0: WebSockets go to http_port.
    static TestClient remote(std::string host, int http_port, int ws_port = 0, TestClientOptions options = {});
    ~TestClient();
    TestClient(TestClient&&) noexcept;  ///< moves everything (requests made from the old object must not be sent)
    TestClient& operator=(TestClient&&) = delete;
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    /// A request for a method and target ("/path?query"); send() it.
    TestRequest request(std::string_view method, std::string_view target);
    /// Shorthands for request(METHOD, target).
    ///@{
    TestRequest get(std::string_view target);
    TestRequest head(std::string_view target);
    TestRequest post(std::string_view target);
    TestRequest put(std::string_view target);
    TestRequest patch(std::string_view target);
    TestRequest del(std::string_view target);
    TestRequest options(std::string_view target);
    ///@}

    /// Opens a WebSocket to `path` and drives the loop until it is OPEN. Throws Timeout when the handshake fails
    /// (the message says why, with the HTTP status of a refusal) or takes longer than the bound.
    TestWebSocket ws(std::string_view path, TestWsOptions options = {});

    /// The jar's value of a cookie, or nullopt.
    std::optional<std::string> cookie(std::string_view name) const;
    /// Puts a cookie in the jar (sent with every later request and WebSocket handshake).
    void set_cookie(std::string_view name, std::string_view value);
    /// Empties the jar.
    void clear_cookies();

    /// Drives the loop until done() is true; throws Timeout (naming `what`) when the bound passes first.
    void run_until(const std::function<bool()>& done, std::string_view what,
                   std::optional<std::chrono::milliseconds> bound = {});
    /// Drives the loop for a while (lets broadcasts, timers and closes happen).
    void run_for(std::chrono::milliseconds duration);

    /// The loop the client drives (the App's, or its own for remote()).
    EventLoop& loop();
    /// The ports requests and WebSockets go to.
    ///@{
    int http_port() const;
    int ws_port() const;
    ///@}

private:
    friend class TestRequest;
    friend class TestWebSocket;
    struct State;
    explicit TestClient(std::unique_ptr<State> state);
    TestResponse perform(const TestRequest& request);
    std::unique_ptr<State> state_;
};

}  // namespace duplex::testing
