#include "demo_options.h"

#include <charconv>
#include <cstdio>
#include <string_view>

namespace demo {

namespace {

constexpr const char* usage =
    "usage: demo [--host 127.0.0.1] [--http-port 3000] [--ws-port 8080] [--static DIR] [--quiet]\n"
    "            [--redis URL]\n"
    "            [--threads N]\n"
    "            [--tls-cert FILE --tls-key FILE]\n"
    "  --host       address to listen on (both listeners)\n"
    "  --http-port  HTTP port (0 picks a free one)\n"
    "  --ws-port    WebSocket port (0 picks a free one)\n"
    "  --static     directory served over HTTP (default: static)\n"
    "  --quiet      no access log\n"
    "  --redis      redis://[:password@]host[:port][/db]: the /ws chat spans every demo on that Redis\n"
    "  --threads    loop threads sharing the ports (default 1; 0: one per core)\n"
    "  --tls-cert   PEM certificate chain: both listeners speak TLS (https, wss); SIGHUP reloads it\n"
    "  --tls-key    PEM private key of that certificate\n";

bool parse_port(std::string_view s, int& out) {
    int v = -1;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0 || v > 65535) return false;
    out = v;
    return true;
}

bool parse_threads(std::string_view s, unsigned& out) {
    unsigned v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v > 1024) return false;
    out = v;
    return true;
}

}  // namespace

int parse_options(int argc, char** argv, Options& opt) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "--quiet") {
            opt.quiet = true;
            continue;
        }
        // --flag value, or --flag=value
        std::string_view name = a, value;
        bool has_value = false;
        if (auto eq = a.find('='); eq != std::string_view::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_value = true;
        } else if (i + 1 < argc) {
            value = argv[i + 1];
            has_value = true;
        }
        bool ok = has_value;
        if (name == "--host") opt.host = std::string(value);
        else if (name == "--static") opt.static_dir = std::string(value);
        else if (name == "--tls-cert") opt.tls_cert = std::string(value);
        else if (name == "--tls-key") opt.tls_key = std::string(value);
        else if (name == "--http-port") ok = ok && parse_port(value, opt.http_port);
        else if (name == "--ws-port") ok = ok && parse_port(value, opt.ws_port);
        else if (name == "--redis") opt.redis_url = std::string(value);
        else if (name == "--threads") ok = ok && parse_threads(value, opt.threads);
        else {
            std::fprintf(stderr, "demo: unknown flag '%.*s'\n%s", static_cast<int>(a.size()), a.data(), usage);
            return 2;
        }
        if (!ok || (has_value && value.empty())) {
            std::fprintf(stderr, "demo: bad or missing value for %.*s\n%s", static_cast<int>(name.size()), name.data(), usage);
            return 2;
        }
        if (a.find('=') == std::string_view::npos) ++i;
    }
    if (opt.tls_cert.empty() != opt.tls_key.empty()) {
        std::fprintf(stderr, "demo: --tls-cert and --tls-key go together\n%s", usage);
        return 2;
    }
    return -1;
}

std::string url_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace demo
