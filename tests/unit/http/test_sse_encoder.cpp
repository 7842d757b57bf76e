// The text/event-stream encoder, judged by a parser written from the HTML standard's "interpret an event stream"
// (9.2.6): what the encoder writes must come back as exactly the event it was given, for data with every kind of
// line end, leading spaces, colons, empty lines and random bytes; fields that would break their line are refused.
#include "http/sse_encoder.h"

#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace duplex;
using namespace duplex::detail;

namespace {

struct Dispatched {
    std::string type, data, last_id;
};

// The standard's event stream interpretation: lines end at CRLF, CR or LF; a line starting with ':' is a comment;
// "field: value" loses one space after the colon; a blank line dispatches when the data buffer is not empty.
struct BrowserParser {
    std::vector<Dispatched> events;
    std::string data, type, last_id;
    std::optional<long> retry;

    void line(std::string_view l) {
        if (l.empty()) {
            if (!data.empty()) {
                if (data.back() == '\n') data.pop_back();
                events.push_back({type.empty() ? "message" : type, data, last_id});
            }
            data.clear();
            type.clear();
            return;
        }
        if (l.front() == ':') return;
        const std::size_t colon = l.find(':');
        std::string_view name = l.substr(0, colon), value;
        if (colon != std::string_view::npos) {
            value = l.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        }
        if (name == "data") data.append(value).push_back('\n');
        else if (name == "event") type = value;
        else if (name == "id" && value.find('\0') == std::string_view::npos) last_id = value;
        else if (name == "retry" && !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos)
            retry = std::stol(std::string(value));
    }
    void feed(std::string_view stream) {
        std::size_t start = 0;
        for (std::size_t i = 0; i < stream.size(); ++i) {
            if (stream[i] != '\r' && stream[i] != '\n') continue;
            line(stream.substr(start, i - start));
            if (stream[i] == '\r' && i + 1 < stream.size() && stream[i + 1] == '\n') ++i;
            start = i + 1;
        }
        CHECK(start == stream.size());  // the encoder never leaves half a line
    }
};

// What the browser gives the page for data: its line ends all become LF.
std::string as_lf(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

Dispatched round_trip(const SseEvent& e) {
    std::string out;
    REQUIRE(encode_event(out, e));
    BrowserParser p;
    p.feed(out);
    REQUIRE(p.events.size() == 1);
    return p.events.front();
}

}  // namespace

TEST_SUITE("sse encoder") {
TEST_CASE("one event: the fields in order, one data line, the blank line") {
    std::string out;
    REQUIRE(encode_event(out, {.data = "hello", .event = "greeting", .id = "7",
                               .retry = std::chrono::milliseconds(2500)}));
    CHECK(out == "event: greeting\nid: 7\nretry: 2500\ndata: hello\n\n");
    out.clear();
    REQUIRE(encode_event(out, {.data = ""}));
    CHECK(out == "data: \n\n");  // an empty message is still a message
}

TEST_CASE("multi-line data: one data line per line, whatever the line ends") {
    std::string out;
    REQUIRE(encode_event(out, {.data = "a\nb\r\nc\rd"}));
    CHECK(out == "data: a\ndata: b\ndata: c\ndata: d\n\n");
    out.clear();
    REQUIRE(encode_event(out, {.data = "end\n"}));
    CHECK(out == "data: end\ndata: \n\n");
    for (std::string_view data : {"a\n", "\n", "\r\n\r\n", "\r", " lead", "  two", ":colon", "a: b", "x\r\ny",
                                  "data: nested\n\nid: 9", "\n\n\nz", "trailing \r"}) {
        CAPTURE(data);
        const Dispatched d = round_trip({.data = data});
        CHECK(d.data == as_lf(data));
        CHECK(d.type == "message");
    }
}

TEST_CASE("random bytes survive the trip (line ends as LF)") {
    std::mt19937 rng(21);
    const std::string alphabet = std::string("ab :\r\n\t\x01\xc3\xa9", 11) + std::string(1, '\0');
    for (int round = 0; round < 2000; ++round) {
        std::string data;
        const int n = static_cast<int>(rng() % 24);
        for (int i = 0; i < n; ++i) data.push_back(alphabet[rng() % alphabet.size()]);
        CAPTURE(data);
        CHECK(round_trip({.data = data, .event = "t", .id = "i"}).data == as_lf(data));
    }
}

TEST_CASE("event type and id reach the browser; a line break in either is refused") {
    const Dispatched d = round_trip({.data = "x", .event = "update", .id = "42"});
    CHECK(d.type == "update");
    CHECK(d.last_id == "42");
    for (SseEvent bad : {SseEvent{.data = "x", .event = "a\nevent: b"}, SseEvent{.data = "x", .event = "a\r"},
                         SseEvent{.data = "x", .id = "1\r\ndata: injected"}, SseEvent{.data = "x", .id = "1\n"},
                         SseEvent{.data = "x", .id = std::string_view("a\0b", 3)}}) {
        std::string out = "kept";
        CHECK_FALSE(encode_event(out, bad));
        CHECK(out == "kept");
    }
}

TEST_CASE("retry alone, comments and the heartbeat dispatch nothing") {
    std::string out;
    encode_retry(out, std::chrono::milliseconds(3000));
    encode_retry(out, std::chrono::milliseconds(-5));
    encode_comment(out, "");
    encode_comment(out, "two\nlines\r\ndata: not data");
    CHECK(out == "retry: 3000\n\nretry: 0\n\n:\n:two\n:lines\n:data: not data\n");
    BrowserParser p;
    p.feed(out);
    CHECK(p.events.empty());
    CHECK(p.retry == 0);
}
}
