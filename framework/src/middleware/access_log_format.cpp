// format_access_line: morgan's combined, common, dev and tiny lines, and JSON lines.
#include "duplex/access_log.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace duplex {

namespace {

// "127.0.0.1:5000" -> "127.0.0.1", "[::1]:5000" -> "::1".
std::string_view address_only(std::string_view remote) {
    if (!remote.empty() && remote.front() == '[') {
        const std::size_t close = remote.find(']');
        return close == std::string_view::npos ? remote : remote.substr(1, close - 1);
    }
    const std::size_t colon = remote.rfind(':');
    return colon == std::string_view::npos || remote.find(':') != colon ? remote : remote.substr(0, colon);
}

void put_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void put_bytes(std::string& out, std::uint64_t v) {
    if (v == 0) out += '-';
    else put_uint(out, v);
}

void put_ms(std::string& out, double ms) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.3f", ms);
    out.append(buf, static_cast<std::size_t>(n));
}

tm utc_of(std::chrono::system_clock::time_point t, long* millis) {
    const auto since = t.time_since_epoch();
    const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(since).count();
    *millis = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000);
    tm utc{};
    gmtime_r(&secs, &utc);
    return utc;
}

// [03/Dec/2026:10:08:01 +0000]
void put_clf_date(std::string& out, std::chrono::system_clock::time_point t) {
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    long millis = 0;
    const tm u = utc_of(t, &millis);
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "[%02d/%s/%04d:%02d:%02d:%02d +0000]", u.tm_mday, months[u.tm_mon],
                                u.tm_year + 1900, u.tm_hour, u.tm_min, u.tm_sec);
    out.append(buf, static_cast<std::size_t>(n));
}

std::string iso_date(std::chrono::system_clock::time_point t) {
    long millis = 0;
    const tm u = utc_of(t, &millis);
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", u.tm_year + 1900,
                                u.tm_mon + 1, u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec, millis);
    return std::string(buf, static_cast<std::size_t>(n));
}

// A header value inside double quotes: '"' and '\' escaped, control bytes as \xHH, so a line stays one line.
void put_quoted(std::string& out, std::string_view v) {
    out += '"';
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

void put_request_line(std::string& out, const AccessRecord& r) {
    std::string line(r.method);
    line += ' ';
    line += r.url;
    line += " HTTP/";
    put_uint(line, static_cast<std::uint64_t>(r.http_major));
    line += '.';
    put_uint(line, static_cast<std::uint64_t>(r.http_minor));
    put_quoted(out, line);
}

// "GET /path 200", how the dev and tiny lines begin; `color` (dev's, for the status class) goes before the status.
void put_method_url_status(std::string& out, const AccessRecord& r, const char* color) {
    out += r.method;
    out += ' ';
    out += r.url;
    out += ' ';
    out += color;
    put_uint(out, static_cast<std::uint64_t>(r.status));
}

}  // namespace

void format_access_line(std::string& out, AccessLogFormat format, const AccessRecord& r) {
    switch (format) {
    case AccessLogFormat::combined:
    case AccessLogFormat::common:
        out += address_only(r.remote);
        out += " - - ";
        put_clf_date(out, r.time);
        out += ' ';
        put_request_line(out, r);
        out += ' ';
        put_uint(out, static_cast<std::uint64_t>(r.status));
        out += ' ';
        put_bytes(out, r.body_bytes);
        if (format == AccessLogFormat::combined) {
            out += ' ';
            put_quoted(out, r.referrer);
            out += ' ';
            put_quoted(out, r.user_agent);
        }
        break;
    case AccessLogFormat::dev: {
        // morgan's colours: 5xx red, 4xx yellow, 3xx cyan, 2xx green, others none.
        const int cls = r.status / 100;
        const char* color = cls == 5 ? "\x1b[31m" : cls == 4 ? "\x1b[33m" : cls == 3 ? "\x1b[36m"
                          : cls == 2 ? "\x1b[32m" : "\x1b[0m";
        out += "\x1b[0m";
        put_method_url_status(out, r, color);
        out += "\x1b[0m ";
        put_ms(out, r.ms);
        out += " ms - ";
        put_bytes(out, r.body_bytes);
        out += "\x1b[0m";
        break;
    }
    case AccessLogFormat::tiny:
        put_method_url_status(out, r, "");
        out += ' ';
        put_bytes(out, r.body_bytes);
        out += " - ";
        put_ms(out, r.ms);
        out += " ms";
        break;
    case AccessLogFormat::json: {
        const nlohmann::json j{{"time", iso_date(r.time)},
                               {"remote", address_only(r.remote)},
                               {"method", r.method},
                               {"url", r.url},
                               {"http", std::to_string(r.http_major) + "." + std::to_string(r.http_minor)},
                               {"status", r.status},
                               {"bytes", r.body_bytes},
                               {"ms", std::round(r.ms * 1000) / 1000},
                               {"referrer", r.referrer},
                               {"user_agent", r.user_agent}};
        // Invalid UTF-8 in a header is replaced rather than thrown on: a log line must always be written.
        out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        break;
    }
    }
    out += '\n';
}

}  // namespace duplex
