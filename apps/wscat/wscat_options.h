// Command-line flags of wscat. Pure; used once at start-up.
#pragma once

#include "binary_codec.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wscat {

struct Options {
    std::string url;
    std::vector<std::string> protocols;                        // --protocol, repeatable
    std::vector<std::pair<std::string, std::string>> headers;  // --header 'Name: value', repeatable
    bool deflate = false;                                      // --deflate
    std::string ca_file;                                       // --ca FILE: wss:// trusts these CAs
    bool insecure = false;                                     // --insecure: wss:// verifies nothing
    std::optional<Encoding> binary;                            // --binary hex|base64: input lines are binary
    std::vector<std::string> execute;                          // --execute MSG, repeatable: no stdin
    double wait_seconds = 2;                                   // --wait SEC, after the last message sent
};

// Fills opt from argv. Returns -1 to go on, or the exit code to end with (0 after --help, 2 on a bad flag).
int parse_options(int argc, char** argv, Options& opt);

}  // namespace wscat
