// duplex::connect against servers that misbehave (a ScriptedPeer playing a broken server), and failures before
// any server is reached: every one ends with onerror then onclose 1006 not clean (1002 for a masked frame), seen
// in CLOSED, and the handle reports CONNECTING until then.
#include "support/client_log.h"
#include "support/loopback_socket.h"
#include "support/scripted_peer.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace testing_support;
using duplex::ReadyState;

namespace {

const std::string kFailed = "error | close 1006  unclean";
const std::vector<ReadyState> kFailedStates = {ReadyState::Closed, ReadyState::Closed};

std::string url_for(int port, const std::string& path = "/") { return "ws://127.0.0.1:" + std::to_string(port) + path; }

// Connects, checks the handle starts in CONNECTING, runs the loop to its end and returns the log.
ClientLog run_client(const std::string& url, duplex::ClientOptions options = {}) {
    duplex::EventLoop loop;
    ClientLog log;
    duplex::WebSocket ws = duplex::connect(loop, url, log.wrap(std::move(options)));
    CHECK(ws.ready_state() == ReadyState::Connecting);
    CHECK(ws.send("too early") == duplex::SendResult::NotOpen);
    CHECK(run_loop(loop));
    CHECK(ws.ready_state() == ReadyState::Closed);
    return log;
}

void check_failed(const ClientLog& log, const std::string& error_part) {
    CHECK(log.summary() == kFailed);
    CHECK(log.states == kFailedStates);
    CHECK_MESSAGE(log.error.find(error_part) != std::string::npos, log.error);
}

std::string server_frame(std::string_view payload, std::uint8_t opcode) {
    return ws_frame(payload, {.opcode = opcode, .masked = false});
}

// A port on 127.0.0.1 where nothing listens (bound once, then released).
int closed_port() { return free_loopback_port(); }

// A listener whose accept queue is full (backlog 0 and one connection never accepted): further SYNs are dropped,
// so a connect stays pending. Closes both sockets when done.
class FullListener {
public:
    FullListener() {
        sockaddr_in a{};
        listen_fd_ = loopback_socket(a, 0);
        if (listen_fd_ < 0) return;
        filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        ::connect(filler_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        pollfd p{filler_, POLLOUT, 0};
        if (::poll(&p, 1, 2000) == 1) port_ = ntohs(a.sin_port);
    }
    ~FullListener() {
        ::close(filler_);
        ::close(listen_fd_);
    }
    int port() const { return port_; }

private:
    int listen_fd_ = -1;
    int filler_ = -1;
    int port_ = 0;
};

}  // namespace

TEST_SUITE("client failures") {
TEST_CASE("a wrong Sec-WebSocket-Accept fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string&) {
        conn.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port())), "Sec-WebSocket-Accept does not match our key");
}

TEST_CASE("200 instead of 101 fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string&) {
        conn.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port())), "did not answer 101 Switching Protocols (got 200)");
}

TEST_CASE("a 101 without Upgrade: websocket fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        conn.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: " + ScriptedPeer::accept_for(request) + "\r\n\r\n");
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port())), "lacks Upgrade: websocket");
}

TEST_CASE("a subprotocol we did not offer fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request, "Sec-WebSocket-Protocol: other\r\n"));
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port()), {.protocols = {"chat"}}), "subprotocol we did not offer");
}

TEST_CASE("an extension we did not offer fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request, "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port())), "extension we did not offer");
}

TEST_CASE("a masked frame from the server closes with 1002") {
    std::string close_frame_seen;
    ScriptedPeer peer([&](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request) + ws_frame("masked", {.opcode = op::text, .masked = true}));
        // The client's Close frame (masked: 2 + 4 header bytes, 2 code bytes + reason) comes before its FIN.
        close_frame_seen = conn.recv_some(2s);
        conn.wait_closed(3s);
    });
    REQUIRE(peer.port() > 0);
    duplex::EventLoop loop;
    ClientLog log;
    duplex::connect(loop, url_for(peer.port()), log.wrap({}));
    CHECK(run_loop(loop));
    CHECK(log.events.size() == 3);
    CHECK(log.events.at(0) == "open");
    CHECK(log.events.at(1) == "error");
    CHECK(log.close.has_value());
    CHECK(log.close->code == duplex::CloseCode::ProtocolError);
    CHECK_FALSE(log.close->was_clean);
    CHECK(log.states == std::vector<ReadyState>{ReadyState::Open, ReadyState::Open, ReadyState::Closed});
    peer.join();
    REQUIRE(close_frame_seen.size() >= 8);
    CHECK(static_cast<unsigned char>(close_frame_seen[0]) == 0x88);  // FIN + Close
    CHECK((static_cast<unsigned char>(close_frame_seen[1]) & 0x80) == 0x80);  // masked, as clients must
}

TEST_CASE("connection refused fails the connection") {
    check_failed(run_client(url_for(closed_port())), "connection refused");
}

TEST_CASE("a connect that never completes fails at the connect timeout") {
    FullListener listener;
    REQUIRE(listener.port() > 0);
    check_failed(run_client(url_for(listener.port()), {.connect_timeout = 300ms}),
                 "Timed out connecting to 127.0.0.1:" + std::to_string(listener.port()) + " after 300 ms");
}

TEST_CASE("a server silent past the handshake timeout fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string&) { conn.wait_closed(5s); });
    REQUIRE(peer.port() > 0);
    const auto start = std::chrono::steady_clock::now();
    check_failed(run_client(url_for(peer.port()), {.handshake_timeout = 300ms}), "did not answer the handshake in time");
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);
}

TEST_CASE("a server that hangs up during the handshake fails the connection") {
    ScriptedPeer peer([](RawClient& conn, const std::string&) {
        conn.send("HTTP/1.1 101 Switching");
        conn.close();
    });
    REQUIRE(peer.port() > 0);
    check_failed(run_client(url_for(peer.port())), "closed the connection during the handshake");
}

TEST_CASE("a response head split byte by byte, then frames in the same packet as its end") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        const std::string head = ScriptedPeer::switching_protocols(request, "X-Extra:  spaced value \r\n");
        for (std::size_t i = 0; i + 1 < head.size(); ++i) {
            conn.send(head.substr(i, 1));
            std::this_thread::sleep_for(1ms);
        }
        conn.send(head.substr(head.size() - 1) + server_frame("first", op::text) +
                  server_frame(close_payload(1000, "done"), op::close));
        conn.recv_some(2s);  // the client's echoed Close
        conn.close();
    });
    REQUIRE(peer.port() > 0);
    duplex::EventLoop loop;
    ClientLog log;
    duplex::connect(loop, url_for(peer.port()), log.wrap({}));
    CHECK(run_loop(loop));
    CHECK(log.summary() == "open | message text first | close 1000 done clean");
    CHECK(log.states == std::vector<ReadyState>{ReadyState::Open, ReadyState::Open, ReadyState::Closed});
}

TEST_CASE("a server that never answers our Close: 1006 after the close timeout") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request));
        conn.wait_closed(5s);  // reads (and ignores) the Close frame until the client gives up
    });
    REQUIRE(peer.port() > 0);
    duplex::EventLoop loop;
    ClientLog log;
    duplex::ClientOptions options;
    options.options.close_timeout = 300ms;
    options.onopen = [](duplex::WebSocket& ws) {
        ws.close(4000, "bye");
        CHECK(ws.ready_state() == ReadyState::Closing);
        CHECK(ws.send("late") == duplex::SendResult::Closed);
    };
    duplex::connect(loop, url_for(peer.port()), log.wrap(std::move(options)));
    CHECK(run_loop(loop));
    CHECK(log.summary() == "open | close 1006  unclean");
}

TEST_CASE("a server that vanishes after open: 1006") {
    ScriptedPeer peer([](RawClient& conn, const std::string& request) {
        conn.send(ScriptedPeer::switching_protocols(request) + server_frame("hi", op::text));
        conn.reset();
    });
    REQUIRE(peer.port() > 0);
    ClientLog log = run_client(url_for(peer.port()));
    CHECK(log.summary() == "open | message text hi | close 1006  unclean");
}

TEST_CASE("URLs that cannot be used fail through onerror and onclose, without a connection") {
    const std::pair<const char*, const char*> cases[] = {
        {"http://127.0.0.1/", "scheme must be ws://"},
        {"ws://", "no host"},
        {"ws://127.0.0.1:99999/", "port must be a number"},
        {"ws://[::1/", "unterminated IPv6"},
        {"ws://host/#frag", "fragment"},
    };
    for (const auto& [url, error] : cases) {
        const auto& url_text = url;  // clang 14 cannot capture a structured binding in CAPTURE's lambda
        CAPTURE(url_text);
        check_failed(run_client(url), error);
    }
}

TEST_CASE("an extra header that the handshake sets itself is refused") {
    check_failed(run_client(url_for(closed_port()), {.headers = {{"Sec-WebSocket-Key", "x"}}}),
                 "Extra header repeats one the handshake sets");
}

TEST_CASE("close() while CONNECTING: onerror then onclose 1006") {
    ScriptedPeer peer([](RawClient&, const std::string&) {});
    REQUIRE(peer.port() > 0);
    duplex::EventLoop loop;
    ClientLog log;
    duplex::WebSocket ws = duplex::connect(loop, url_for(peer.port()), log.wrap({}));
    ws.close();
    CHECK(ws.ready_state() == ReadyState::Closed);
    CHECK(run_loop(loop));
    CHECK(log.summary() == kFailed);
    CHECK(log.error == "terminated");
    RawClient wake(peer.port());  // lets the peer's accept end now rather than at its bound
}
}
