/// @file
/// duplex::connect: the browser's `new WebSocket(url, protocols)` in C++. It returns at once a WebSocket handle in
/// CONNECTING; the connection then opens (onopen, OPEN) or fails (onerror, then onclose 1006 with was_clean false).
/// The handle is the very type server handlers receive: send, send_binary, ping, buffered_amount, close, terminate,
/// protocol(), extensions() and the drain contract behave the same on both sides.
///
///   duplex::EventLoop loop;
///   duplex::connect(loop, "ws://localhost:8080/ws", {
///       .onopen    = [](duplex::WebSocket& ws) { ws.send("hello"); },
///       .onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { std::puts(std::string(m.data).c_str()); },
///       .onclose   = [](duplex::WebSocket&, const duplex::CloseEvent& ev) { std::printf("closed %d\n", ev.code); },
///   });
///   loop.run();  ///< returns once the connection is closed
///
/// ws:// and wss:// (TLS, see ClientOptions::tls). A malformed URL fails through onerror + onclose 1006. A wss://
/// connection whose TLS handshake fails (a certificate that does not verify or does not name the host, a server
/// that does not speak TLS) gets onerror with OpenSSL's reason and then onclose with code 1015 (TlsHandshake) and
/// was_clean false: RFC 6455 7.4.1 reserves 1015 for this; browsers report 1006 there, duplex says which.
/// Lifetime: the connection lives on the loop until it closes, whether or not a handle is kept; callbacks live in
/// the options (copied), never in the connection. Threads: loop thread only.
#pragma once

#include "duplex/event_loop.h"
#include "duplex/tls.h"
#include "duplex/websocket.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex {

/// The callbacks are WsRoute's, by name and by type (the Ws*Fn types of websocket.h, defined once), except
/// onopen: a client has no upgrade Request to pass. The members are listed flat rather than inherited from a
/// shared base because a C++20 aggregate cannot designate a base's members, and
/// `connect(loop, url, {.onopen = ..., .onmessage = ...})` is the browser's shape. The client hands them to the
/// same session type a server route uses, so they behave identically.
struct ClientOptions {
    WsEventFn onopen;       ///< the handshake succeeded: OPEN, send() works
    WsMessageFn onmessage;  ///< one whole message (data valid during the call)
    WsCloseFn onclose;      ///< once, at the end (also after a failed connect)
    /// Why the connection failed; error.code() is the close code that follows (1006 before OPEN).
    WsErrorFn onerror;
    WsEventFn ondrain;      ///< the buffered amount fell under WsOptions::high_water_bytes
    WsControlFn onping;     ///< a ping arrived (the pong is sent for you)
    WsControlFn onpong;     ///< a pong arrived

    /// Subprotocols offered, in order of preference; the server's choice is ws.protocol() after open.
    std::vector<std::string> protocols;
    /// Extra request headers ("Authorization", "Origin", ...). The handshake's own headers (Host, Upgrade,
    /// Connection, Sec-WebSocket-*) are refused: the connection fails.
    std::vector<std::pair<std::string, std::string>> headers;
    /// Name resolution plus TCP connect, and then the wait for the server's 101 response (0: no limit).
    ///@{
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds handshake_timeout{10000};
    ///@}
    /// wss:// only: which certificates to trust (default: the system store, host name checked).
    TlsClientOptions tls;
    /// Limits and behaviour once open. permessage-deflate is offered when options.permessage_deflate is set
    /// (window bits and no_context_takeover flags as in the offer).
    WsOptions options;
};

/// Starts connecting to a ws:// or wss:// URL (ws[s]://host[:port][/path][?query], IPv6 literals in brackets;
/// the port defaults to 80 and 443).
WebSocket connect(EventLoop& loop, std::string_view url, ClientOptions options = {});

}  // namespace duplex
