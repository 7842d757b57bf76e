#include "http/http_date.h"

#include <array>
#include <chrono>
#include <cstdint>

namespace duplex::detail {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                            "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Civil {
    int year = 0;
    unsigned month = 0;  // 1..12
    unsigned day = 0;
    unsigned weekday = 0;  // 0 = Sunday
    unsigned seconds_of_day = 0;
};

Civil civil_from_time(std::int64_t t) noexcept {
    // Floor division so that times before 1970 land on the right day.
    std::int64_t days = t / kSecondsPerDay;
    std::int64_t rem = t % kSecondsPerDay;
    if (rem < 0) {
        rem += kSecondsPerDay;
        --days;
    }
    const std::chrono::sys_days date{std::chrono::days{days}};
    const std::chrono::year_month_day ymd{date};
    return Civil{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                 std::chrono::weekday{date}.c_encoding(), static_cast<unsigned>(rem)};
}

void put_digits(char* at, unsigned value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// A left-to-right reader over the exact grammar; every accessor fails (returns false) on a mismatch.
class Cursor {
public:
    explicit Cursor(std::string_view text) noexcept : text_(text) {}

    bool done() const noexcept { return pos_ == text_.size(); }

    bool literal(std::string_view s) noexcept {
        if (text_.substr(pos_, s.size()) != s) return false;
        pos_ += s.size();
        return true;
    }

    // Exactly `width` digits.
    bool digits(int width, unsigned& value) noexcept {
        value = 0;
        for (int i = 0; i < width; ++i, ++pos_) {
            if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') return false;
            value = value * 10 + static_cast<unsigned>(text_[pos_] - '0');
        }
        return true;
    }

    // One of `names`; stores its index.
    template <std::size_t N>
    bool one_of(const std::array<std::string_view, N>& names, unsigned& index) noexcept {
        for (unsigned i = 0; i < N; ++i) {
            if (literal(names[i])) {
                index = i;
                return true;
            }
        }
        return false;
    }

    // time-of-day = hour ":" minute ":" second; second may be 60 (a leap second).
    bool time_of_day(unsigned& seconds_of_day) noexcept {
        unsigned h = 0, m = 0, s = 0;
        if (!digits(2, h) || !literal(":") || !digits(2, m) || !literal(":") || !digits(2, s)) return false;
        if (h > 23 || m > 59 || s > 60) return false;
        seconds_of_day = h * 3600 + m * 60 + s;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<std::time_t> to_time(int year, unsigned month_index, unsigned day, unsigned seconds_of_day) noexcept {
    const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month_index + 1},
                                          std::chrono::day{day}};
    if (!ymd.ok()) return std::nullopt;  // e.g. 31 Apr, 29 Feb of a common year
    const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
    return static_cast<std::time_t>(days * kSecondsPerDay + seconds_of_day);
}

// Sun, 06 Nov 1994 08:49:37 GMT
std::optional<std::time_t> parse_imf_fixdate(Cursor c) noexcept {
    unsigned weekday = 0, day = 0, month = 0, year = 0, tod = 0;
    if (!c.one_of(kDayNames, weekday) || !c.literal(", ") || !c.digits(2, day) || !c.literal(" ") ||
        !c.one_of(kMonthNames, month) || !c.literal(" ") || !c.digits(4, year) || !c.literal(" ") ||
        !c.time_of_day(tod) || !c.literal(" GMT") || !c.done()) {
        return std::nullopt;
    }
    return to_time(static_cast<int>(year), month, day, tod);
}

// Sunday, 06-Nov-94 08:49:37 GMT
std::optional<std::time_t> parse_rfc850(Cursor c, std::time_t now) noexcept {
    unsigned weekday = 0, day = 0, month = 0, yy = 0, tod = 0;
    if (!c.one_of(kLongDayNames, weekday) || !c.literal(", ") || !c.digits(2, day) || !c.literal("-") ||
        !c.one_of(kMonthNames, month) || !c.literal("-") || !c.digits(2, yy) || !c.literal(" ") ||
        !c.time_of_day(tod) || !c.literal(" GMT") || !c.done()) {
        return std::nullopt;
    }
    // Pick the year ending in yy within (now - 50, now + 50].
    const int now_year = civil_from_time(now).year;
    int year = now_year - now_year % 100 + static_cast<int>(yy);
    if (year > now_year + 50) year -= 100;
    if (year <= now_year - 50) year += 100;
    return to_time(year, month, day, tod);
}

// Sun Nov  6 08:49:37 1994
std::optional<std::time_t> parse_asctime(Cursor c) noexcept {
    unsigned weekday = 0, day = 0, month = 0, year = 0, tod = 0;
    if (!c.one_of(kDayNames, weekday) || !c.literal(" ") || !c.one_of(kMonthNames, month) || !c.literal(" ")) {
        return std::nullopt;
    }
    if (!(c.literal(" ") ? c.digits(1, day) : c.digits(2, day))) return std::nullopt;
    if (!c.literal(" ") || !c.time_of_day(tod) || !c.literal(" ") || !c.digits(4, year) || !c.done()) {
        return std::nullopt;
    }
    return to_time(static_cast<int>(year), month, day, tod);
}

}  // namespace

std::string_view format_http_date(std::time_t t, std::span<char, kHttpDateSize> out) noexcept {
    const Civil c = civil_from_time(static_cast<std::int64_t>(t));
    if (c.year < 0 || c.year > 9999) return {};
    char* p = out.data();
    kDayNames[c.weekday].copy(p, 3);
    p[3] = ',';
    p[4] = ' ';
    put_digits(p + 5, c.day, 2);
    p[7] = ' ';
    kMonthNames[c.month - 1].copy(p + 8, 3);
    p[11] = ' ';
    put_digits(p + 12, static_cast<unsigned>(c.year), 4);
    p[16] = ' ';
    put_digits(p + 17, c.seconds_of_day / 3600, 2);
    p[19] = ':';
    put_digits(p + 20, c.seconds_of_day / 60 % 60, 2);
    p[22] = ':';
    put_digits(p + 23, c.seconds_of_day % 60, 2);
    std::string_view(" GMT").copy(p + 25, 4);
    return {out.data(), kHttpDateSize};
}

std::string_view current_http_date() noexcept {
    // Constant-initialized: no guard on the thread-local access.
    struct Cache {
        std::time_t second = -1;
        std::array<char, kHttpDateSize> text{};
        std::size_t size = 0;
    };
    thread_local Cache cache;
    const std::time_t now = std::time(nullptr);
    if (now != cache.second) {
        cache.second = now;
        cache.size = format_http_date(now, cache.text).size();
    }
    return {cache.text.data(), cache.size};
}

void append_http_date(std::time_t t, std::string& out) {
    std::array<char, kHttpDateSize> buffer;
    out.append(format_http_date(t, buffer));
}

std::optional<std::time_t> parse_http_date(std::string_view text, std::time_t now) noexcept {
    // The fourth byte tells the forms apart: ',' after a short day name, ' ' in asctime, a letter in RFC 850.
    if (text.size() < 4) return std::nullopt;
    if (text[3] == ',') return parse_imf_fixdate(Cursor{text});
    if (text[3] == ' ') return parse_asctime(Cursor{text});
    return parse_rfc850(Cursor{text}, now);
}

}  // namespace duplex::detail
