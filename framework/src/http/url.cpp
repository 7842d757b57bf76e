#include "http/url.h"

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

}  // namespace

std::optional<Target> split_target(std::string_view target) noexcept {
    if (target.empty()) return std::nullopt;
    if (target == "*") return Target{TargetForm::Asterisk, target, {}, false};

    Target out;
    std::string_view rest = target;
    if (target.front() != '/') {
        const std::size_t prefix = scheme_prefix_length(target);
        if (prefix == 0) return std::nullopt;  // authority-form or garbage
        rest = target.substr(prefix);
        const std::size_t path_start = rest.find_first_of("/?#");
        if (path_start == 0) return std::nullopt;  // "http:///x" has no host
        rest = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
        out.form = TargetForm::Absolute;
    }
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);

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
