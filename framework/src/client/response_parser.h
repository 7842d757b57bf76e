// ResponseParser: the head of the server's answer to a WebSocket upgrade request (status line and headers),
// parsed with llhttp in response mode. llhttp may split the status text, header names and values over several
// calls: they are accumulated until complete. Parsing stops right after the blank line ending the head; whatever
// follows belongs to the WebSocket session (a 101) or is never read (any other status).
//
// Pure: no I/O. Lifetime: one per handshake. Threads: the owner's.
#pragma once

#include "ws/client_handshake_rules.h"

#include <llhttp.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex::detail::client {

class ResponseParser {
public:
    enum class Kind {
        NeedMore,  // everything consumed, the head is not complete yet
        Complete,  // the head is complete; `consumed` bytes of this call belonged to it
        Error,     // malformed, or over max_head_bytes: `reason` says why (static text)
    };
    struct Result {
        Kind kind;
        std::size_t consumed = 0;
        std::string_view reason;
    };

    // The status line plus headers may take at most this many bytes.
    static constexpr std::size_t max_head_bytes = 16 * 1024;

    ResponseParser();
    ResponseParser(const ResponseParser&) = delete;
    ResponseParser& operator=(const ResponseParser&) = delete;

    // Feed bytes in any split; after Complete or Error, further calls return the same kind and consume nothing.
    Result feed(const char* data, std::size_t len);

    int status() const { return status_; }
    // The header's value (names compared case-insensitively), repeated headers joined with ", "; "" when absent.
    std::string header(std::string_view name) const;
    // The view check_upgrade_response judges; valid while this parser lives and is not fed.
    ws::UpgradeResponse upgrade_response();

private:
    static const llhttp_settings_t settings_;
    static int on_header_field(llhttp_t* p, const char* at, std::size_t n);
    static int on_header_value(llhttp_t* p, const char* at, std::size_t n);
    static int on_headers_complete(llhttp_t* p);

    llhttp_t parser_{};
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string joined_[5];  // storage for upgrade_response()'s views
    std::size_t head_bytes_ = 0;
    int status_ = 0;
    bool next_is_new_ = true;  // the next header-name span starts a new header
    Kind done_ = Kind::NeedMore;
    std::string_view error_;
};

}  // namespace duplex::detail::client
