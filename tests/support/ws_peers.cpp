#include "support/ws_peers.h"

#include "support/process.h"

#include <algorithm>
#include <sys/stat.h>

namespace testing_support {

namespace {

constexpr const char* python = "/usr/bin/python3";

// The payload of the server's ping of `size` bytes (0..125) in the "ping-all" exchange.
std::string ping_payload(std::size_t size) { return std::string(size, static_cast<char>('a' + size % 26)); }

duplex::WsRoute echo(duplex::WsOptions options) {
    return {
        .onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) {
            if (!m.binary && m.data == "close-me") {
                ws.close(4001, "server bye");
                return;
            }
            if (!m.binary && m.data == "ping-all") {
                // One ping of every control payload size, each sent once the previous one is answered (a
                // burst would meet the peer's own flood limit: Node ws drops a peer with 60 pongs pending).
                *ws.data() = std::size_t{0};
                ws.ping(ping_payload(0));
                return;
            }
            ws.send(m);
        },
        .onpong = [](duplex::WebSocket& ws, std::string_view payload) {
            auto* next = std::any_cast<std::size_t>(ws.data());
            if (next == nullptr || *next > 125) return;  // not in a ping-all exchange
            if (payload != ping_payload(*next)) {
                ws.send("pongs-bad at " + std::to_string(*next));
                *next = 126;
                return;
            }
            if (++*next == 126) ws.send("pongs-ok");
            else ws.ping(ping_payload(*next));
        },
        .options = options,
    };
}

std::string peer_path(const char* file) { return source_root() + "/tests/peers/" + file; }

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> command(std::vector<std::string> head, const std::string& base_url,
                                 const std::vector<std::string>& scenarios) {
    head.push_back(base_url);
    head.insert(head.end(), scenarios.begin(), scenarios.end());
    return head;
}

}  // namespace

void install_peer_routes(duplex::WsServer& wss, WsEventLog& log) {
    // Room for the 16 MiB message and its echo.
    const duplex::WsOptions big{.max_message_bytes = 20 << 20, .max_buffered_bytes = 64 << 20};
    duplex::WsOptions deflate = big;
    deflate.permessage_deflate = true;

    duplex::WsRoute e = echo(deflate), plain = echo(big), proto = echo(big), greet = echo(big);
    proto.select_protocol = [](const std::vector<std::string_view>& offered) {
        return std::find(offered.begin(), offered.end(), "chat.v2") != offered.end() ? std::string("chat.v2")
                                                                                      : std::string();
    };
    greet.onopen = [](duplex::WebSocket& ws, const duplex::Request&) { ws.send("hello"); };
    for (auto* r : {&e, &plain, &proto, &greet}) log.attach(*r);
    wss.route("/echo", std::move(e));
    wss.route("/plain", std::move(plain));
    wss.route("/proto", std::move(proto));
    wss.route("/greet", std::move(greet));
}

bool have_python_peer() {
    return exists(python) && run_command({python, "-c", "import websockets"}, std::chrono::seconds(10)).first == 0;
}

bool have_node_peer() { return have_program("node") && exists(source_root() + "/tests/node_modules/ws"); }

std::pair<int, std::string> run_python_peer(const std::string& base_url, const std::vector<std::string>& scenarios) {
    return run_command(command({python, peer_path("ws_client.py")}, base_url, scenarios), std::chrono::seconds(60),
                       true);
}

std::pair<int, std::string> run_node_peer(const std::string& base_url, const std::vector<std::string>& scenarios) {
    return run_command(command({"node", peer_path("ws_client.mjs")}, base_url, scenarios), std::chrono::seconds(60),
                       true);
}

std::string scenarios_not_ok(const std::string& output, const std::vector<std::string>& names) {
    std::string missing;
    for (const std::string& n : names)
        if (output.find("ok " + n + "\n") == std::string::npos) missing += n + "\n";
    return missing;
}

}  // namespace testing_support
