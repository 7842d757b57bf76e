// Parsing of the bridge's Redis address: redis://[:password@]host[:port][/db] (the form redis-cli -u and most
// clients accept, without user names). Strict: anything else is refused with a reason, never guessed at.
// Pure: no I/O, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace duplex::detail::bus {

struct RedisUrl {
    std::string host;           // a name, an IPv4 address, or an IPv6 literal without its brackets
    std::uint16_t port = 6379;  // the default when the URL names none
    std::string password;       // percent-decoded; empty: no AUTH
    bool has_password = false;  // "redis://:@host" sends AUTH with an empty password
    unsigned db = 0;            // SELECT when not 0 (pub/sub ignores it, but a bad index is reported)
};

// Fills `out` and returns "" on success, or a static explanation of what is wrong: another scheme, a user name,
// an empty or malformed host, a port outside 1..65535, a database that is not a number up to 999999, a bad
// percent escape, or anything after the database (query, fragment, more path).
std::string_view parse_redis_url(std::string_view text, RedisUrl& out);

}  // namespace duplex::detail::bus
