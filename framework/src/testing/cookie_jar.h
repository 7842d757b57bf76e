// CookieJar: the test client's cookies, as a browser keeps them for one server. Set-Cookie values are stored by
// name (the value exactly as sent, so percent-encoding round-trips); Max-Age <= 0, or an Expires date in the past,
// removes the cookie; Path, Domain and the other attributes are not interpreted (one server, every path).
//
// Pure: no I/O. Lifetime: the test client's. Threads: the owner's.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail::testing {

class CookieJar {
public:
    // One Set-Cookie header value; `now` decides whether an Expires date is past. A line without "name=" is ignored.
    void store(std::string_view set_cookie, std::chrono::system_clock::time_point now);
    void set(std::string_view name, std::string_view value);
    std::optional<std::string> get(std::string_view name) const;
    void clear() { cookies_.clear(); }
    bool empty() const { return cookies_.empty(); }
    // "a=1; b=2", the value of a Cookie request header.
    std::string header() const;

private:
    std::map<std::string, std::string, std::less<>> cookies_;
};

}  // namespace duplex::detail::testing
