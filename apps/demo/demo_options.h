// Command-line flags of the demo (see the demo contract). Pure; used once at start-up.
#pragma once

#include <string>

namespace demo {

struct Options {
    std::string host = "127.0.0.1";
    int http_port = 3000;
    int ws_port = 8080;
    std::string static_dir = "static";
    bool quiet = false;  // no access log
    std::string redis_url;  // --redis: the /ws chat spans every demo on that Redis (empty: this process only)
    unsigned threads = 1;  // loop threads (duplex::Cluster); 0: one per core
    std::string tls_cert;  // with tls_key: both listeners speak TLS (https, wss)
    std::string tls_key;
};

// Fills opt from argv. Returns -1 to go on, or the exit code to end with (0 after --help, 2 on a bad flag).
int parse_options(int argc, char** argv, Options& opt);
// The host as it goes into a URL ([::1] for IPv6).
std::string url_host(const std::string& host);

}  // namespace demo
