#include "http/sse_encoder.h"

#include <charconv>

namespace duplex::detail {

namespace {

// Calls fn(line) for each line of text, where CRLF, CR and LF each end one line. "" is one empty line, as is
// what follows a trailing line end (the browser's parser turns "a\n" back into "a\n" only from two data lines).
template <class F>
void for_each_line(std::string_view text, F&& fn) {
    for (;;) {
        const std::size_t end = text.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            fn(text);
            return;
        }
        fn(text.substr(0, end));
        const std::size_t next = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? end + 2 : end + 1;
        text.remove_prefix(next);
    }
}

bool breaks_line(std::string_view value) { return value.find_first_of("\r\n") != std::string_view::npos; }

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).push_back('\n');
}

// Digits only (the browser ignores a retry field with anything else): a negative delay is sent as 0.
void append_retry(std::string& out, std::chrono::milliseconds delay) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, delay.count() < 0 ? 0 : delay.count());
    append_field(out, "retry", std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

}  // namespace

bool encode_event(std::string& out, const SseEvent& event) {
    if (breaks_line(event.event) || breaks_line(event.id) || event.id.find('\0') != std::string_view::npos)
        return false;
    if (!event.event.empty()) append_field(out, "event", event.event);
    if (!event.id.empty()) append_field(out, "id", event.id);
    if (event.retry) append_retry(out, *event.retry);
    for_each_line(event.data, [&](std::string_view line) { append_field(out, "data", line); });
    out.push_back('\n');
    return true;
}

void encode_retry(std::string& out, std::chrono::milliseconds delay) {
    append_retry(out, delay);
    out.push_back('\n');
}

void encode_comment(std::string& out, std::string_view text) {
    for_each_line(text, [&](std::string_view line) { out.append(":").append(line).push_back('\n'); });
}

}  // namespace duplex::detail
