// The unit tests' way of feeding RequestParser: whole, one byte at a time and in 20 random splits (fixed seed);
// every split must give the same requests, the same error status and the same number of 100-continue stops.
#pragma once

#include "http/request_parser.h"

#include <string>
#include <utility>
#include <vector>

namespace parse_harness {

using duplex::HttpOptions;

struct Message {
    std::string method, target, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    int major = 0, minor = 0;
    bool keep_alive = false;
    bool operator==(const Message&) const = default;
};

struct Outcome {
    std::vector<Message> messages;
    int error = 0;      // status of the Error result, 0 when none
    int continues = 0;  // ExpectContinue stops
    bool operator==(const Outcome&) const = default;
};

// Parses whole, byte by byte and in 20 random splits; all must agree. Returns the whole-message outcome.
Outcome parse(const std::string& bytes, const HttpOptions& opt = {});
// The error status of parse(bytes), 0 when none.
int error_of(const std::string& bytes, const HttpOptions& opt = {});

}  // namespace parse_harness
