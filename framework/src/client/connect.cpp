// duplex::connect: adapts the browser-shaped ClientOptions to the route every WsSession runs on (one per client
// connection, with the URL as its path), and starts the handshake.
#include "duplex/client.h"

#include "client/handshake_driver.h"
#include "loop/loop_core.h"
#include "ws/ws_session.h"

namespace duplex {

WebSocket connect(EventLoop& loop, std::string_view url, ClientOptions options) {
    auto shared = std::make_shared<detail::SessionRoute>();
    shared->path = url;
    WsRoute* route = &shared->route;
    route->onmessage = std::move(options.onmessage);
    route->onerror = std::move(options.onerror);
    route->ondrain = std::move(options.ondrain);
    route->onping = std::move(options.onping);
    route->onpong = std::move(options.onpong);
    auto onclose = std::move(options.onclose);
    route->options = options.options;
    auto session = std::make_shared<detail::WsSession>(shared, detail::ws::Role::Client, url);
    auto& core = detail::LoopCore::of(loop.native());
    auto handshake = std::make_shared<detail::client::HandshakeDriver>(core, session, std::string(url),
                                                                       std::move(options));
    // The route only holds a weak reference: a close() while CONNECTING must stop the handshake at once, and
    // the handshake owns the session that owns this route.
    route->onclose = [weak = std::weak_ptr(handshake), user = std::move(onclose)](WebSocket& ws,
                                                                                           const CloseEvent& ev) {
        if (auto h = weak.lock()) h->abandon();
        if (user) user(ws, ev);
    };
    WebSocket ws = session->handle();
    handshake->start_soon();
    return ws;
}

}  // namespace duplex
