// Protocol: what a Socket forwards its events to (an HTTP session, a WebSocket session, a client handshake).
//
// Lifetime: held by the Socket through a shared_ptr; replaced on upgrade (the socket keeps the old one alive
// until the callback that replaced it returns); released after on_closed(). Threads: loop thread only.
#pragma once

#include <cstddef>

namespace duplex::detail {

class Protocol {
public:
    virtual ~Protocol() = default;
    // Bytes from the peer. The buffer is the loop's shared read buffer: mutable (WebSocket unmasks in place)
    // and only valid during the call.
    virtual void on_data(char* data, std::size_t len) = 0;
    // The peer half-closed its side. Default: nothing more can come, close.
    virtual void on_eof() = 0;
    // Every queued byte has been handed to the kernel.
    virtual void on_drain() {}
    // The deadline set with Socket::set_timeout passed.
    virtual void on_timeout() = 0;
    // The socket is gone (status: 0, or the libuv error that ended it). Last call; no more writes possible.
    virtual void on_closed(int status) = 0;
    // The socket stops reading while more than this many bytes of output wait (0: never), until everything is
    // written. For request/response protocols: a peer that sends requests without reading the answers cannot
    // make us queue them all. Not for full-duplex ones: two ends that both stop reading while they write
    // deadlock. Asked only while output waits, so it costs an idle connection nothing.
    virtual std::size_t read_backlog_limit() const { return 0; }
};

}  // namespace duplex::detail
