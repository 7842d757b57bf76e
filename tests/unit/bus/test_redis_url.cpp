// parse_redis_url: redis://[:password@]host[:port][/db], strictly.
#include "bus/redis_url.h"

#include <doctest/doctest.h>

using duplex::detail::bus::parse_redis_url;
using duplex::detail::bus::RedisUrl;

TEST_SUITE("bus") {
TEST_CASE("redis URL: the accepted forms") {
    RedisUrl u;
    REQUIRE(parse_redis_url("redis://127.0.0.1:6380", u).empty());
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 6380);
    CHECK(!u.has_password);
    CHECK(u.db == 0);

    REQUIRE(parse_redis_url("redis://cache.example", u).empty());
    CHECK(u.host == "cache.example");
    CHECK(u.port == 6379);

    REQUIRE(parse_redis_url("REDIS://:p%40ss%3Aw0rd@db-1.local:7000/15", u).empty());
    CHECK(u.host == "db-1.local");
    CHECK(u.port == 7000);
    CHECK(u.has_password);
    CHECK(u.password == "p@ss:w0rd");
    CHECK(u.db == 15);

    REQUIRE(parse_redis_url("redis://:@h/", u).empty());  // AUTH with an empty password; the trailing / is db 0
    CHECK(u.has_password);
    CHECK(u.password.empty());
    CHECK(u.db == 0);

    REQUIRE(parse_redis_url("redis://:a@b@[::1]:6379/0", u).empty());  // the last @ ends the password
    CHECK(u.password == "a@b");
    CHECK(u.host == "::1");
    CHECK(u.port == 6379);
}

TEST_CASE("redis URL: refusals say why") {
    RedisUrl u;
    const char* bad[] = {
        "",                            // nothing
        "http://127.0.0.1:6379",       // another scheme
        "rediss://127.0.0.1:6379",     // TLS
        "redis://",                    // no host
        "redis://:6379",               // no host
        "redis://user:pw@host",        // a user name
        "redis://pw@host",             // a password without its colon
        "redis://:bad%4@host",         // a truncated escape
        "redis://:bad%zz@host",        // not hex
        "redis://host:",               // empty port
        "redis://host:0",              // out of range
        "redis://host:65536",
        "redis://host:123456",
        "redis://host:+80",
        "redis://host:80x",
        "redis://ho st",               // a space in the host
        "redis://host/1/2",            // more path
        "redis://host/x",              // db not a number
        "redis://host/-1",
        "redis://host/1234567",        // db too large
        "redis://host/1?timeout=1",    // a query
        "redis://host#frag",           // a fragment
        "redis://[::1",                // unterminated IPv6
        "redis://[]:1",                // empty IPv6
        "redis://[::1]x",              // junk after the IPv6 host
        "redis://[g::1]",              // not an IPv6 literal
    };
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK(!parse_redis_url(text, u).empty());
    }
    CHECK(parse_redis_url("redis://user:pw@host", u).find("user names") != std::string_view::npos);
}

TEST_CASE("redis URL: every prefix of a valid URL is refused or parses to what it says") {
    // A cheap fuzz over truncations: nothing reads past the end, nothing throws.
    const std::string full = "redis://:s%20cret@[fe80::1]:6390/12";
    RedisUrl u;
    for (std::size_t n = 0; n <= full.size(); ++n) {
        CAPTURE(full.substr(0, n));
        std::string_view err = parse_redis_url(std::string_view(full).substr(0, n), u);
        if (n == full.size()) CHECK(err.empty());
        if (err.empty()) CHECK(!u.host.empty());
    }
}
}
