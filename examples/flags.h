// examples/flags.h: the command line every example reads, "--flag value" pairs. One small piece the examples share,
// so that each main.cpp stays about its subject; copy it along with the example you start from.
#pragma once

#include <charconv>
#include <string_view>

namespace examples {

// A port number, 0 to 65535 (0: the system picks a free one); false, and `port` untouched, for anything else.
inline bool parse_port(std::string_view v, int& port) {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 65535) return false;
    port = n;
    return true;
}

// Reads argv as "--flag value" pairs, handing each to on_flag(flag, value), which returns false for a flag it does
// not know or a value it cannot use. False when it did, or when the last flag has no value.
template <class OnFlag>
bool parse_flags(int argc, char** argv, OnFlag on_flag) {
    if (argc % 2 == 0) return false;
    for (int i = 1; i + 1 < argc; i += 2)
        if (!on_flag(std::string_view(argv[i]), std::string_view(argv[i + 1]))) return false;
    return true;
}

// The command line of an example whose one flag is "--port N": the port (`fallback` without the flag), or -1 when
// the command line is wrong.
inline int port_flag(int argc, char** argv, int fallback) {
    int port = fallback;
    bool ok = parse_flags(argc, argv, [&](std::string_view flag, std::string_view v) {
        return flag == "--port" && parse_port(v, port);
    });
    return ok ? port : -1;
}

}  // namespace examples
