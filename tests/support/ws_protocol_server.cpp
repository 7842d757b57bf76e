#include "support/ws_protocol_server.h"

namespace testing_support {

namespace {

void echo(duplex::WebSocket& ws, const duplex::Message& m) {
    if (!m.binary && m.data == "close-me") {
        ws.close(4001, "bye");
        return;
    }
    ws.send(m);
}

}  // namespace

ProtocolServer::ProtocolServer()
    : server_([this](duplex::App&, duplex::WsServer& wss) {
          duplex::WsRoute limits{.onmessage = echo,
                                 .options = {.max_message_bytes = kMaxMessage,
                                             .max_fragments = kMaxFragments,
                                             .close_timeout = kShortTimeout}};
          duplex::WsRoute idle{.onmessage = echo, .options = {.idle_timeout = kShortTimeout}};
          log_.attach(limits);
          log_.attach(idle);
          wss.route("/echo", std::move(limits));
          wss.route("/idle", std::move(idle));
      }) {}

std::string ProtocolServer::unique_url(const std::string& path) { return path + "?n=" + std::to_string(++next_); }

ClosedBy ProtocolServer::close_after(const std::string& bytes) {
    ClosedBy out;
    const std::string url = unique_url("/echo");
    WsRawClient c(port());
    if (!c.open(url) || !c.send(bytes)) return out;
    if (auto f = c.read_close(std::chrono::seconds(3))) out.wire_code = f->close_code();
    out.tcp_closed = c.wait_closed(std::chrono::seconds(3));
    c.raw().close();
    if (auto r = log_.wait_closed(url, std::chrono::seconds(3))) out.record = *r;
    return out;
}

}  // namespace testing_support
