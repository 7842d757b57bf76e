#include "wscat_options.h"

#include <charconv>
#include <cstdio>
#include <string_view>

namespace wscat {
namespace {

constexpr const char* usage =
    "usage: wscat [options] ws[s]://host[:port][/path][?query]\n"
    "Prints every message received (one per line; binary ones as hex, or as --binary says) and sends every\n"
    "line read from standard input; open and close go to standard error. Closes --wait seconds after the last\n"
    "message sent (end of input or --execute), or on Ctrl-C. Exit code: 0 after a clean close with 1000, 1001\n"
    "or no code, 1 otherwise, 2 for a bad command line.\n"
    "  -p, --protocol NAME      offer a subprotocol (repeatable)\n"
    "  -H, --header 'K: V'      add a request header (repeatable)\n"
    "      --deflate            offer permessage-deflate\n"
    "      --ca FILE            wss://: trust the CAs in this PEM file instead of the system's\n"
    "      --insecure           wss://: accept any server certificate (tests against self-signed servers only)\n"
    "  -b, --binary hex|base64  send input lines as binary messages in that encoding, show binary ones in it\n"
    "  -x, --execute MSG        send MSG once connected (repeatable); standard input is not read\n"
    "  -w, --wait SEC           seconds to wait for replies after the last message sent (default 2)\n"
    "  -h, --help               this text\n";

bool parse_seconds(std::string_view s, double& out) {
    double v = -1;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0 || v > 86400) return false;
    out = v;
    return true;
}

bool parse_header(std::string_view s, std::pair<std::string, std::string>& out) {
    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view value = s.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    out = {std::string(s.substr(0, colon)), std::string(value)};
    return true;
}

// Applies one flag that takes a value; false when the value is not acceptable.
bool apply(std::string_view name, std::string_view value, Options& opt) {
    if (name == "--protocol" || name == "-p") {
        opt.protocols.emplace_back(value);
        return !value.empty();
    }
    if (name == "--header" || name == "-H") return parse_header(value, opt.headers.emplace_back());
    if (name == "--binary" || name == "-b") return (opt.binary = encoding_named(value)).has_value();
    if (name == "--ca") {
        opt.ca_file = value;
        return !value.empty();
    }
    if (name == "--execute" || name == "-x") {
        opt.execute.emplace_back(value);
        return true;
    }
    return parse_seconds(value, opt.wait_seconds);  // --wait / -w, the only other valued flag
}

bool takes_value(std::string_view name) {
    for (std::string_view f : {"--protocol", "-p", "--header", "-H", "--binary", "-b", "--execute", "-x", "--wait",
                               "-w", "--ca"}) {
        if (name == f) return true;
    }
    return false;
}

int bad(const char* what, std::string_view arg) {
    std::fprintf(stderr, "wscat: %s '%.*s'\n%s", what, static_cast<int>(arg.size()), arg.data(), usage);
    return 2;
}

}  // namespace

int parse_options(int argc, char** argv, Options& opt) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "--deflate") {
            opt.deflate = true;
            continue;
        }
        if (a == "--insecure") {
            opt.insecure = true;
            continue;
        }
        if (a.empty() || a.front() != '-') {
            if (!opt.url.empty()) return bad("more than one URL:", a);
            opt.url = a;
            continue;
        }
        // --flag value, or --flag=value
        std::string_view name = a;
        std::string_view value;
        if (const std::size_t eq = a.find('='); eq != std::string_view::npos && a.starts_with("--")) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        } else if (takes_value(a)) {
            if (i + 1 >= argc) return bad("missing value for", a);
            value = argv[++i];
        }
        if (!takes_value(name)) return bad("unknown flag", a);
        if (!apply(name, value, opt)) return bad("bad value for", a);
    }
    if (opt.url.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    return -1;
}

}  // namespace wscat
