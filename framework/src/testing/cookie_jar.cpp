#include "testing/cookie_jar.h"

#include "http/http_date.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace duplex::detail::testing {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Whether one attribute ("Max-Age=0", "Expires=...") says the cookie is already gone.
bool expires_now(std::string_view name, std::string_view value, std::chrono::system_clock::time_point now) {
    if (iequals(name, "max-age")) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        return ec == std::errc() && end == value.data() + value.size() && seconds <= 0;
    }
    if (iequals(name, "expires")) {
        const std::time_t t = std::chrono::system_clock::to_time_t(now);
        auto when = parse_http_date(value, t);
        return when && *when <= t;
    }
    return false;
}

}  // namespace

void CookieJar::store(std::string_view set_cookie, std::chrono::system_clock::time_point now) {
    std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return;
    const std::string_view name = trim(pair.substr(0, eq));
    if (name.empty()) return;
    bool gone = false;
    std::string_view attrs = set_cookie.size() > pair.size() ? set_cookie.substr(pair.size() + 1) : std::string_view();
    while (!attrs.empty()) {
        std::string_view attr = attrs.substr(0, attrs.find(';'));
        attrs.remove_prefix(std::min(attrs.size(), attr.size() + 1));
        const std::size_t aeq = attr.find('=');
        if (aeq != std::string_view::npos)
            gone = gone || expires_now(trim(attr.substr(0, aeq)), trim(attr.substr(aeq + 1)), now);
    }
    if (gone) {
        if (auto it = cookies_.find(name); it != cookies_.end()) cookies_.erase(it);
        return;
    }
    set(name, trim(pair.substr(eq + 1)));
}

void CookieJar::set(std::string_view name, std::string_view value) { cookies_[std::string(name)] = value; }

std::optional<std::string> CookieJar::get(std::string_view name) const {
    auto it = cookies_.find(name);
    if (it == cookies_.end()) return std::nullopt;
    return it->second;
}

std::string CookieJar::header() const {
    std::string out;
    for (const auto& [name, value] : cookies_) {
        if (!out.empty()) out += "; ";
        out.append(name).append("=").append(value);
    }
    return out;
}

}  // namespace duplex::detail::testing
