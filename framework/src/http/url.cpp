#include "http/url.h"

#include "http/http_tokens.h"

#include <algorithm>
#include <array>

namespace duplex::detail {
namespace {

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Length of "scheme://" at the start of `t` (RFC 3986 3.1), or 0 when there is none.
std::size_t scheme_prefix_length(std::string_view t) noexcept {
    if (t.empty() || !is_alpha(t[0])) return 0;
    std::size_t i = 1;
    while (i < t.size() && (is_alpha(t[i]) || is_digit(t[i]) || t[i] == '+' || t[i] == '-' || t[i] == '.')) ++i;
    return t.substr(i, 3) == "://" ? i + 3 : 0;
}

// unreserved and sub-delims of RFC 3986 2.2/2.3: what a reg-name holds besides pct-encoded bytes (and an
// IPv4address is made of digits and dots, so it needs no rule of its own).
constexpr std::array<bool, 256> reg_name_table = alnum_and("-._~!$&'()*+,;=");

bool is_reg_name(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (escaped_byte_at(s, i) < 0) return false;
            i += 2;
        } else if (!reg_name_table[static_cast<unsigned char>(s[i])]) {
            return false;
        }
    }
    return true;
}

bool is_hex(char c) noexcept { return hex_digit_value(c) >= 0; }

// The inside of "[...]": an IPv6address (hex digits, colons, and dots of an embedded IPv4 tail; the exact
// grouping is left to whoever connects to it) or an IPvFuture "v" 1*HEXDIG "." 1*(unreserved / sub-delims / ":").
bool is_ip_literal(std::string_view s) noexcept {
    if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) {
        std::size_t dot = s.find('.');
        if (dot == std::string_view::npos || dot < 2 || dot + 1 == s.size()) return false;
        for (char c : s.substr(1, dot - 1))
            if (!is_hex(c)) return false;
        for (char c : s.substr(dot + 1))
            if (c != ':' && !reg_name_table[static_cast<unsigned char>(c)]) return false;
        return true;
    }
    if (s.find(':') == std::string_view::npos) return false;
    for (char c : s)
        if (!is_hex(c) && c != ':' && c != '.') return false;
    return true;
}

}  // namespace

bool is_valid_host(std::string_view host) noexcept {
    std::size_t port_colon;
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos || !is_ip_literal(host.substr(1, close - 1))) return false;
        port_colon = close + 1;
        if (port_colon < host.size() && host[port_colon] != ':') return false;
    } else {
        port_colon = std::min(host.find(':'), host.size());
        if (!is_reg_name(host.substr(0, port_colon))) return false;
    }
    for (std::size_t i = port_colon + 1; i < host.size(); ++i)
        if (!is_digit(host[i])) return false;
    return true;
}

std::optional<Target> split_target(std::string_view target) noexcept {
    if (target.empty() || target.find('#') != std::string_view::npos) return std::nullopt;
    if (target == "*") return Target{TargetForm::Asterisk, target, {}, false};

    Target out;
    std::string_view rest = target;
    if (target.front() != '/') {
        const std::size_t prefix = scheme_prefix_length(target);
        if (prefix == 0) return std::nullopt;  // authority-form or garbage
        rest = target.substr(prefix);
        const std::size_t path_start = rest.find_first_of("/?");
        if (path_start == 0) return std::nullopt;  // "http:///x" has no host
        rest = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
        out.form = TargetForm::Absolute;
    }

    const std::size_t question = rest.find('?');
    out.path = rest.substr(0, question);
    if (question != std::string_view::npos) {
        out.query = rest.substr(question + 1);
        out.has_query = true;
    }
    // Only "http://host" or "http://host?q" get here with no path; RFC 9112 3.2.2 makes that "/".
    if (out.path.empty()) out.path = "/";
    return out;
}

DecodeStatus percent_decode(std::string_view in, std::string& out, DecodeOptions options) {
    const std::size_t original_size = out.size();
    out.reserve(original_size + in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        // Copy the run of bytes that need no translation in one go.
        std::size_t run = i;
        while (run < in.size() && in[run] != '%' && !(options.plus_as_space && in[run] == '+')) ++run;
        out.append(in.data() + i, run - i);
        if (run == in.size()) break;
        i = run;
        if (in[i] == '+') {
            out.push_back(' ');
            ++i;
            continue;
        }
        const int escaped = escaped_byte_at(in, i);
        if (escaped < 0) {
            out.resize(original_size);
            return DecodeStatus::BadEscape;
        }
        const char byte = static_cast<char>(escaped);
        if (byte == '\0' && options.reject_nul) {
            out.resize(original_size);
            return DecodeStatus::Nul;
        }
        out.push_back(byte);
        i += 3;
    }
    return DecodeStatus::Ok;
}

std::optional<std::string_view> NameValueList::find(std::string_view name) const noexcept {
    for (const NameValue& pair : *this) {
        if (pair.name == name) return std::string_view{pair.value};
    }
    return std::nullopt;
}

NameValue& NameValueList::append() {
    if (size_ == slots_.size()) slots_.emplace_back();
    NameValue& slot = slots_[size_++];
    slot.name.clear();
    slot.value.clear();
    return slot;
}

DecodeStatus parse_query(std::string_view query, NameValueList& out, bool reject_nul) {
    out.clear();
    const DecodeOptions options{.plus_as_space = true, .reject_nul = reject_nul};
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (piece.empty()) continue;

        const std::size_t eq = piece.find('=');
        NameValue& pair = out.append();
        DecodeStatus status = percent_decode(piece.substr(0, eq), pair.name, options);
        if (status == DecodeStatus::Ok && eq != std::string_view::npos) {
            status = percent_decode(piece.substr(eq + 1), pair.value, options);
        }
        if (status != DecodeStatus::Ok) {
            out.clear();
            return status;
        }
    }
    return DecodeStatus::Ok;
}

}  // namespace duplex::detail
