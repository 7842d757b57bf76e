// SocketFilter: a layer between a Socket's wire bytes and the Protocol above it (TLS). The socket hands it what
// it reads, as to any Protocol; the filter passes plaintext up to its inner Protocol. Writes keep the socket's
// per-loop-turn batching: the protocol queues plaintext as usual and the socket's flush asks the filter once to
// turn everything queued into wire bytes.
//
// Lifetime: held by the Socket in place of its Protocol (Socket::start_filtered); it holds the inner Protocol,
// which Socket::set_protocol swaps. Threads: loop thread only.
#pragma once

#include "net/socket_protocol.h"

#include <memory>
#include <string>

namespace duplex::detail {

class SocketFilter : public Protocol {
public:
    // The protocol above the filter; Socket::set_protocol on a filtered socket lands here.
    virtual void set_inner(std::shared_ptr<Protocol> inner) = 0;
    // Takes from `plain` what it consumed (all of it once the filter can carry data, none before) and appends
    // to `wire` every byte due on the wire: handshake messages, records, alerts and, with `ending`, the
    // goodbye after the last record. False on a fatal error (the socket then closes).
    virtual bool seal(std::string& plain, std::string& wire, bool ending) = 0;
    // Wire bytes made while reading (handshake replies, alerts, tickets) wait for the next seal().
    virtual bool wire_pending() const = 0;
};

}  // namespace duplex::detail
