// The epoll engine every mode drives: opens WebSocket client connections (optionally from many 127.0.0.x source
// addresses; over TLS 1.3 for wss://), performs the handshake, reassembles server messages and hands them to a Handler,
// answers pings, and queues masked frames that it flushes once per loop turn (one send() per connection per turn).
//
// Lifetime: one per run, created by a mode and destroyed before the mode returns; it closes every socket it still owns.
// Thread: the program's only thread. Handler callbacks run inside run_until(); a Conn reference is valid only during
// the callback that received it (slots are reused after a close, never within the same loop turn).
#pragma once

#include "handshake.h"
#include "tls_client.h"

#include <netinet/in.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

using Clock = std::chrono::steady_clock;

struct Target {
    sockaddr_in address{};  // the server (always a 127.x.x.x address)
    std::string host;       // Host header value, "127.0.0.1:8080"
    std::string path;       // request target, "/echo"
    bool tls = false;       // wss://: a TLS 1.3 handshake before the upgrade
};

// tls_handshaking only on wss:// runs, between connecting and handshaking (the WebSocket upgrade).
enum class ConnState : std::uint8_t { free, connecting, tls_handshaking, handshaking, open, closing };

// Why a connection ended: clean = closing handshake completed after our close frame; remote = the server closed
// first (close frame or EOF); failed = connect, handshake, protocol or socket error.
enum class CloseKind : std::uint8_t { clean, remote, failed };

struct Conn {
    std::uint32_t id = 0;  // slot index; modes index their own per-connection arrays with it
    std::uint32_t generation = 0;
    ConnState state = ConnState::free;
    bool dirty = false;       // in the flush list of this turn
    bool want_write = false;  // EPOLLOUT is registered
    bool fragmented = false;  // a message's continuation frames are pending
    std::uint8_t message_opcode = 0;
    int fd = -1;
    ssl_st* ssl = nullptr;  // wss:// only: the connection's TLS state, freed when it closes
    HandshakeKeys keys;
    std::string in;       // bytes of an incomplete handshake answer or frame
    std::string message;  // fragments of an unfinished message
    std::string out;      // queued bytes, out_sent of them already written
    std::size_t out_sent = 0;
    Clock::time_point started;  // when the connection attempt began
};

class Handler {
public:
    virtual void on_open(Conn& conn) = 0;
    virtual void on_message(Conn& conn, std::uint8_t opcode, std::string_view payload) = 0;
    virtual void on_closed(Conn& conn, CloseKind kind) = 0;

protected:
    ~Handler() = default;
};

class ClientLoop {
public:
    // source_addresses > 0 binds each socket to 127.0.0.2, 127.0.0.3, ... in turn, so that the ~28k ephemeral ports
    // of one source address do not cap the connection count.
    ClientLoop(Target target, Handler& handler, unsigned source_addresses, std::uint64_t max_payload);
    ~ClientLoop();
    ClientLoop(const ClientLoop&) = delete;
    ClientLoop& operator=(const ClientLoop&) = delete;

    // Makes `total` connection attempts over time, at most `max_pending` of them connecting or handshaking at once.
    void open_gradually(std::size_t total, std::size_t max_pending);
    void stop_opening() { remaining_opens_ = 0; }
    // Connections opened from now on go to this server (those already open stay where they are).
    void set_target(Target target) { target_ = std::move(target); }

    // Queues one masked frame; it is written at the end of the current loop turn.
    void send(Conn& conn, std::uint8_t opcode, std::string_view payload);
    // Sends a close frame with this status code; the handler hears on_closed(clean) when the server answers it.
    void start_close(Conn& conn, std::uint16_t code);

    // Starts the closing handshake on every open connection.
    void close_all(std::uint16_t code);

    // Runs until `deadline`, until done() returns true (checked once per turn), or until a signal interrupted us.
    void run_until(Clock::time_point deadline, const std::function<bool()>& done = {});

    Clock::time_point now() const { return now_; }  // taken at every read: the receive time of its messages
    std::size_t opened() const { return opened_; }  // handshakes completed
    std::size_t failed() const { return failed_; }  // attempts that ended in CloseKind::failed
    std::size_t live() const { return live_; }      // connections in any state but free
    std::size_t pending() const { return pending_; }

private:
    void open_one();
    void handle_event(Conn& conn, std::uint32_t events);
    void start_tls(Conn& conn);
    void continue_tls(Conn& conn);
    void on_readable(Conn& conn);
    void read_tls(Conn& conn);
    void close_broken(Conn& conn);  // after a read or write error: remote once open, failed before
    void feed(Conn& conn, std::string_view data);
    bool become_open(Conn& conn);
    std::size_t consume_frames(Conn& conn, std::string_view data);
    bool on_frame(Conn& conn, bool fin, std::uint8_t opcode, std::string_view payload);
    bool deliver(Conn& conn, std::uint8_t opcode, std::string_view payload);
    void mark_dirty(Conn& conn);
    void flush(Conn& conn);
    void set_want_write(Conn& conn, bool on);
    void close_conn(Conn& conn, CloseKind kind);
    void end_turn();
    std::uint32_t next_mask();

    Target target_;
    Handler& handler_;
    unsigned source_addresses_;
    std::uint64_t max_payload_;
    int epoll_fd_ = -1;
    std::unique_ptr<TlsClient> tls_;  // wss:// runs only
    std::vector<std::unique_ptr<Conn>> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::vector<std::uint32_t> released_slots_;  // freed this turn; reusable from the next one
    std::vector<std::uint32_t> dirty_;
    std::vector<char> read_buffer_;
    Clock::time_point now_;
    std::size_t remaining_opens_ = 0;
    std::size_t max_pending_ = 0;
    std::size_t pending_ = 0;
    std::size_t opened_ = 0;
    std::size_t failed_ = 0;
    std::size_t live_ = 0;
    std::uint64_t attempts_ = 0;
    std::uint32_t mask_rng_ = 0x9E3779B9u;
};

// Set by the SIGINT/SIGTERM handler that main installs; run_until returns soon after it becomes true.
bool interrupted();
void install_signal_handlers();

}  // namespace loadgen
