// The raw server's event loop: one epoll set, two listeners (HTTP and WebSocket), level-triggered non-blocking
// sockets, one recv per readiness event and writev until the kernel refuses.
//
// Lifetime: one per process, built in main and run until a signal. Thread: the program's only thread.
#pragma once

#include "http_reply.h"

#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

namespace raw {

class ServerLoop {
public:
    ServerLoop(int http_listener, int ws_listener, const HttpReplies& replies);
    ~ServerLoop();
    ServerLoop(const ServerLoop&) = delete;
    ServerLoop& operator=(const ServerLoop&) = delete;

    // Serves until SIGINT or SIGTERM.
    void run();

private:
    enum class Kind : unsigned char { http, ws_handshake, ws_open };

    struct Conn {
        Kind kind = Kind::http;
        bool want_write = false;
        bool closing = false;      // close once out is written
        bool release_out = false;  // free out once written: after the 101, an idle connection should own no buffer
        std::string in;                       // an incomplete request head or frame
        std::string out;                      // unwritten WebSocket bytes
        std::vector<std::string_view> replies;  // unwritten HTTP answers
        std::size_t out_sent = 0;             // bytes of out, or of replies' first, already sent
    };

    void accept_all(int listener, Kind kind);
    void on_readable(int fd, Conn& conn);
    bool process(Conn& conn, std::string_view data, std::size_t& used);
    static int gather(const Conn& conn, iovec* iov);
    static void consume(Conn& conn, std::size_t n);
    void flush(int fd, Conn& conn);
    void set_want_write(int fd, Conn& conn, bool on);
    void close_conn(int fd);

    const HttpReplies& replies_;
    int http_listener_;
    int ws_listener_;
    int epoll_fd_;
    std::vector<std::unique_ptr<Conn>> conns_;  // indexed by file descriptor
    std::vector<char> read_buffer_;
};

}  // namespace raw
