#include "http/response_writer.h"

#include "duplex/log.h"

#include "http/http_date.h"
#include "http/http_session.h"
#include "http/http_tokens.h"
#include "http/status_text.h"
#include "util/buffer_capacity.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

namespace duplex::detail {

namespace {

// Calls fn(line_start, line_len, value) for each header line in the block whose name matches.
template <class F>
void for_each_line(std::string_view head, std::string_view name, F&& fn) {
    std::size_t pos = 0;
    while (pos < head.size()) {
        // Lines here are "Name: value\r\n" (set_header checked the name is a token and the value has no CR or
        // LF), so the name's length says where the colon must be, and the next LF ends the line: one memchr a line.
        const char* lf = static_cast<const char*>(std::memchr(head.data() + pos, '\n', head.size() - pos));
        const std::size_t next = lf ? static_cast<std::size_t>(lf - head.data()) + 1 : head.size();
        if (next - pos > name.size() + 2 && head[pos + name.size()] == ':' &&
            ascii_iequals(head.substr(pos, name.size()), name)) {
            std::string_view value = head.substr(pos + name.size() + 1, next - pos - name.size() - 3);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (!fn(pos, next - pos, value)) return;
        }
        pos = next;
    }
}

// Removes every line of the header `name` from the block.
void erase_lines(std::string& head, std::string_view name) {
    std::size_t start;
    do {
        start = std::string::npos;
        std::size_t len = 0;
        for_each_line(head, name, [&](std::size_t p, std::size_t n, std::string_view) {
            start = p;
            len = n;
            return false;
        });
        if (start != std::string::npos) head.erase(start, len);
    } while (start != std::string::npos);
}

bool has_body_status(int status) { return status >= 200 && status != 204 && status != 304; }

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

void append_hex(std::string& out, std::uint64_t n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n, 16);
    out.append(buf, r.ptr);
}

// The status line and headers. content_length < 0: streamed (chunked, or close-delimited on HTTP/1.0).
void write_head(Exchange& ex, std::string& out, std::int64_t content_length) {
    if (ex.before_head) std::exchange(ex.before_head, nullptr)();
    bool user_close = false;
    bool user_connection = false;
    for_each_line(ex.head, "connection", [&](std::size_t, std::size_t, std::string_view v) {
        user_connection = true;
        // A token of the list, as the request side reads it ("x-closed" is not "close", "CLOSE" is).
        if (list_has_token(v, "close")) user_close = true;
        return true;
    });
    // A body still coming (a streamed request answered early): it is not read, so the connection cannot go on.
    if (user_close || ex.body_open) ex.close_after = true;
    bool http10 = ex.req.http_major() == 1 && ex.req.http_minor() == 0;
    bool user_length = false;
    for_each_line(ex.head, "content-length", [&](std::size_t, std::size_t, std::string_view) {
        user_length = true;
        return false;
    });
    if (content_length < 0 && !user_length && has_body_status(ex.status) && !ex.head_only) {
        if (http10) ex.close_after = true;  // HTTP/1.0 has no chunked coding: the close ends the body
        else ex.chunked = true;
    }
    // Our own version, whatever the request's minor (RFC 9110 2.5); what a 1.0 client cannot take is left out.
    out.append("HTTP/1.1 ");
    append_number(out, static_cast<std::uint64_t>(ex.status));
    out.push_back(' ');
    out.append(status_text(ex.status));
    out.append("\r\nDate: ");
    out.append(current_http_date());
    out.append("\r\n");
    out.append(ex.head);
    if (content_length >= 0 && has_body_status(ex.status) && !user_length) {
        out.append("Content-Length: ");
        append_number(out, static_cast<std::uint64_t>(content_length));
        out.append("\r\n");
    }
    if (ex.chunked) out.append("Transfer-Encoding: chunked\r\n");
    if (!user_connection) {
        if (ex.close_after) out.append("Connection: close\r\n");
        else if (http10) out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
    ex.headers_sent = true;
}

bool live(const Exchange& ex) { return ex.session && !ex.finished; }

// What a body write tells the handler: wait for drain above the connection's high-water mark.
SendResult send_state(const HttpSession& s, const Exchange& ex) {
    return s.buffered_amount(ex) > s.options().write_high_water ? SendResult::Backpressure : SendResult::Queued;
}

// The head of a streamed answer: a transform installed on the exchange takes the body or is dropped first.
void write_stream_head(Exchange& ex, std::string& out) {
    if (ex.transform) {
        ResponseHead head(ex);
        if (!ex.transform->begin(head, -1)) ex.transform.reset();
    }
    write_head(ex, out, -1);
}

// A whole body through the exchange's transform, when it takes it: true once the response is sent.
bool send_transformed(Exchange& ex, std::string_view body) {
    std::unique_ptr<BodyTransform> t = std::move(ex.transform);  // the send below must not run it again
    ResponseHead head(ex);
    if (!t->begin(head, static_cast<std::int64_t>(body.size()))) return false;
    thread_local std::string coded;  // kept between answers, like Response::json's buffer
    coded.clear();
    t->apply(body, true, coded);
    send_whole(ex, coded);
    release_if_over(coded, scratch_keep_bytes);
    return true;
}

void finish(Exchange& ex) {
    ex.finished = true;
    ex.session->finished(ex);
}

}  // namespace

void on_headers(Exchange& ex, std::function<void()> fn) {
    if (ex.headers_sent || !fn) return;
    if (!ex.before_head) {
        ex.before_head = std::move(fn);
        return;
    }
    ex.before_head = [later = std::move(fn), earlier = std::move(ex.before_head)] {
        later();
        earlier();
    };
}

bool set_header(Exchange& ex, std::string_view name, std::string_view value, bool replace) {
    // Names must be tokens and values field-values (RFC 9110 5.5): no CR/LF/NUL or other control byte can
    // split the response or be refused by a strict client.
    if (!is_token(name) || !is_field_value(value)) {
        duplex::logf(duplex::LogLevel::warn,
                     "duplex: refused header (name not a token, or a control byte in the value): %.*s",
                     static_cast<int>(name.size()), name.data());
        return false;
    }
    if (ex.headers_sent) return false;
    if (replace) erase_lines(ex.head, name);
    ex.head.append(name).append(": ").append(value).append("\r\n");
    return true;
}

void append_header_line(Exchange& ex, std::string_view name, std::initializer_list<std::string_view> value_parts) {
    if (ex.headers_sent) return;
    ex.head.append(name).append(": ");
    for (const std::string_view part : value_parts) ex.head.append(part);
    ex.head.append("\r\n");
}

void set_header_block(Exchange& ex, std::string_view block) {
    if (ex.headers_sent) return;
    std::size_t pos = 0;
    while (!ex.head.empty() && pos < block.size()) {
        const std::size_t end = std::min(block.find("\r\n", pos), block.size());
        erase_lines(ex.head, block.substr(pos, block.find(':', pos) - pos));
        pos = end + 2;
    }
    ex.head.append(block);
}

void remove_header(Exchange& ex, std::string_view name) {
    if (!ex.headers_sent) erase_lines(ex.head, name);
}

std::string_view header_view(const Exchange& ex, std::string_view name) {
    std::string_view result;
    for_each_line(ex.head, name, [&](std::size_t, std::size_t, std::string_view v) {
        result = v;
        return false;
    });
    return result;
}

std::string get_header(const Exchange& ex, std::string_view name) { return std::string(header_view(ex, name)); }

void send_whole(Exchange& ex, std::string_view body) {
    if (!live(ex)) return;
    if (ex.transform && !ex.headers_sent && send_transformed(ex, body)) return;
    HttpSession& s = *ex.session;
    std::string& out = s.sink(ex);
    if (!ex.headers_sent) {
        write_head(ex, out, static_cast<std::int64_t>(body.size()));
        if (has_body_status(ex.status) && !ex.head_only) {
            out.append(body);
            ex.body_bytes += body.size();
        }
    } else if (!body.empty()) {  // a stream already started: the body is its last chunk
        s.commit(ex);
        write_chunk(ex, body);
        end_response(ex);
        return;
    }
    s.commit(ex);
    finish(ex);
}

SendResult write_chunk(Exchange& ex, std::string_view chunk) {
    if (!live(ex)) return SendResult::Closed;
    HttpSession& s = *ex.session;
    std::string& out = s.sink(ex);
    if (!ex.headers_sent) write_stream_head(ex, out);
    if (ex.transform && !chunk.empty()) {
        thread_local std::string coded;
        coded.clear();
        ex.transform->apply(chunk, false, coded);
        chunk = coded;  // valid until the next chunk on this thread; appended to `out` below
    }
    if (!chunk.empty() && has_body_status(ex.status) && !ex.head_only) {
        if (ex.chunked) {
            append_hex(out, chunk.size());
            out.append("\r\n");
            out.append(chunk);
            out.append("\r\n");
        } else {
            out.append(chunk);
        }
        ex.body_bytes += chunk.size();
    }
    s.commit(ex);
    return send_state(s, ex);
}

std::size_t write_body_now(Exchange& ex, std::string_view bytes) {
    if (!live(ex)) return 0;
    HttpSession& s = *ex.session;
    if (!ex.headers_sent) {
        write_stream_head(ex, s.sink(ex));
        s.commit(ex);
    }
    if (ex.transform || ex.chunked || ex.head_only || !has_body_status(ex.status)) return 0;
    const std::size_t n = s.write_now(ex, bytes);
    ex.body_bytes += n;
    return n;
}

SendResult write_body_kept(Exchange& ex, std::string_view bytes, const std::shared_ptr<const void>& owner) {
    if (!live(ex)) return SendResult::Closed;
    if (ex.transform || ex.chunked || !ex.headers_sent) return write_chunk(ex, bytes);
    HttpSession& s = *ex.session;
    if (!ex.head_only && has_body_status(ex.status) && !bytes.empty()) {
        s.write_shared(ex, bytes, owner);
        ex.body_bytes += bytes.size();
        s.commit(ex);
    }
    return send_state(s, ex);
}

void end_response(Exchange& ex) {
    if (!live(ex)) return;
    if (!ex.headers_sent) {
        send_whole(ex, {});
        return;
    }
    if (ex.transform) {  // the coding's last bytes, as a chunk of their own
        std::unique_ptr<BodyTransform> t = std::move(ex.transform);
        std::string tail;
        t->apply({}, true, tail);
        write_chunk(ex, tail);
        if (!live(ex)) return;
    }
    HttpSession& s = *ex.session;
    if (ex.chunked) {
        s.sink(ex).append("0\r\n\r\n");
        s.commit(ex);
    }
    finish(ex);
}

void send_error(Exchange& ex, int status, std::string_view body, bool close_connection) {
    if (!live(ex) || ex.headers_sent) return;
    ex.status = status;
    ex.head.clear();
    set_header(ex, "Content-Type", "text/plain; charset=utf-8", true);
    if (close_connection) ex.close_after = true;
    send_whole(ex, body);
}

}  // namespace duplex::detail
