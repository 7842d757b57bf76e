// Fuzz target: arbitrary bytes as one connection's request stream into detail::RequestParser, pipelining included.
// Input layout (FuzzedDataProvider): the last two bytes pick the split point, the byte before them the limits, the
// rest is the stream. The stream is parsed twice, whole and in two pieces, like HttpSession does; both runs must see
// the same requests (the parser accepts any split). Invariants: `consumed` never exceeds what was fed, every request
// respects the HttpOptions limits, a complete request has a method and a target, errors carry one of the statuses
// the parser documents, and after an error nothing more is accepted.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duplex/http_options.h"
#include "duplex/request.h"
#include "fuzz_check.h"
#include "http/request_parser.h"

namespace {

using duplex::HttpOptions;
using duplex::detail::RequestParser;

// What one parse produced, compared between the two splits.
struct Outcome {
    std::vector<std::string> requests;  // method, target, headers and body of each complete request, flattened
    int error_status = 0;

    // The status of an error may depend on the split: llhttp reports a span (the URL, a header) when it ends or
    // when the buffer does, so a URL both too long and malformed is a 414 when cut and a 400 when whole. Either
    // way the connection answers an error and closes; which requests came before it must not change.
    bool same_as(const Outcome& other) const {
        return requests == other.requests && (error_status == 0) == (other.error_status == 0);
    }
};

HttpOptions pick_limits(std::uint8_t selector) {
    HttpOptions limits;
    // Small limits let short inputs reach every limit check; the defaults are what production runs with.
    if (selector & 1) {
        limits.max_url_bytes = 1 + (selector >> 1) % 64;
        limits.max_header_bytes = 16 + (selector >> 3) % 256;
        limits.max_header_count = (selector >> 5) % 8;
        limits.max_body_bytes = (selector >> 2) % 128;
    }
    return limits;
}

std::string flatten(const duplex::Request& req) {
    std::string out;
    out.append(req.method()).append(" ").append(req.target()).append("\n");
    for (std::size_t i = 0; i < req.header_count(); ++i) {
        auto [name, value] = req.header_at(i);
        out.append(name).append(":").append(value).append("\n");
    }
    out.append("\n").append(req.body());
    return out;
}

void check_complete(const duplex::Request& req, const HttpOptions& limits) {
    FUZZ_CHECK(!req.method().empty());
    FUZZ_CHECK(!req.target().empty());
    FUZZ_CHECK(req.target().size() <= limits.max_url_bytes);
    FUZZ_CHECK(req.header_count() <= limits.max_header_count);
    std::size_t header_bytes = 0;
    for (std::size_t i = 0; i < req.header_count(); ++i) {
        auto [name, value] = req.header_at(i);
        FUZZ_CHECK(!name.empty());
        header_bytes += name.size() + value.size();
    }
    FUZZ_CHECK(header_bytes <= limits.max_header_bytes);
    FUZZ_CHECK(req.body().size() <= limits.max_body_bytes);
    FUZZ_CHECK(req.path().size() <= req.target().size());
}

bool is_documented_error(int status) {
    return status == 400 || status == 413 || status == 414 || status == 417 || status == 431 || status == 501 ||
           status == 505;
}

// Feeds one piece the way HttpSession::feed does. Returns false once the parser reported an error.
bool feed_piece(RequestParser& parser, duplex::Request& req, const HttpOptions& limits, std::string_view piece,
                Outcome& outcome) {
    const char* data = piece.data();
    std::size_t len = piece.size();
    // Every result but NeedMore either consumes a byte or is followed by one that does; a parser that stops making
    // progress would spin the server's loop, so the number of rounds is bounded.
    std::size_t rounds = 0;
    while (len > 0) {
        FUZZ_CHECK(++rounds <= piece.size() + 2);
        const RequestParser::Result r = parser.feed(data, len);
        FUZZ_CHECK(r.consumed <= len);
        data += r.consumed;
        len -= r.consumed;
        switch (r.kind) {
        case RequestParser::Kind::NeedMore:
            FUZZ_CHECK(len == 0);
            break;
        case RequestParser::Kind::ExpectContinue:
        case RequestParser::Kind::BodyAhead:
            FUZZ_CHECK(parser.phase() == RequestParser::Phase::Body);
            break;
        case RequestParser::Kind::Error:
            FUZZ_CHECK(is_documented_error(r.status));
            FUZZ_CHECK(!r.reason.empty());
            outcome.error_status = r.status;
            return false;
        case RequestParser::Kind::Upgrade:
            // Handled as ordinary HTTP after all (the session does this when no WebSocket route takes it).
            check_complete(req, limits);
            outcome.requests.push_back("upgrade " + flatten(req));
            parser.resume_after_upgrade();
            break;
        case RequestParser::Kind::Complete:
            FUZZ_CHECK(parser.phase() == RequestParser::Phase::Idle);
            check_complete(req, limits);
            outcome.requests.push_back(flatten(req));
            break;
        }
    }
    return true;
}

Outcome parse(const HttpOptions& limits, std::string_view stream, std::size_t split) {
    RequestParser parser(limits);
    duplex::Request req;
    parser.set_target(&req);
    Outcome outcome;
    if (feed_piece(parser, req, limits, stream.substr(0, split), outcome) &&
        feed_piece(parser, req, limits, stream.substr(split), outcome)) {
        return outcome;
    }
    // After an error the parser must refuse everything, even a valid request, and consume none of it.
    static constexpr std::string_view valid = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    const RequestParser::Result again = parser.feed(valid.data(), valid.size());
    FUZZ_CHECK(again.kind == RequestParser::Kind::Error);
    FUZZ_CHECK(again.consumed == 0);
    return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const auto split_selector = provider.ConsumeIntegral<std::uint16_t>();
    const HttpOptions limits = pick_limits(provider.ConsumeIntegral<std::uint8_t>());
    const std::string stream = provider.ConsumeRemainingBytesAsString();
    const std::size_t split = stream.empty() ? 0 : split_selector % (stream.size() + 1);

    const Outcome whole = parse(limits, stream, stream.size());
    const Outcome pieces = parse(limits, stream, split);
    if (!whole.same_as(pieces)) {  // shows which request differs before aborting, to triage the crash input
        std::fprintf(stderr, "split at %zu: %zu requests, error %d whole; %zu requests, error %d in pieces\n", split,
                     whole.requests.size(), whole.error_status, pieces.requests.size(), pieces.error_status);
        for (const std::string& r : whole.requests) std::fprintf(stderr, "whole: [%s]\n", r.c_str());
        for (const std::string& r : pieces.requests) std::fprintf(stderr, "pieces: [%s]\n", r.c_str());
    }
    FUZZ_CHECK(whole.same_as(pieces));
    return 0;
}
