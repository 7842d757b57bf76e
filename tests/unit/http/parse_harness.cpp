#include "parse_harness.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

namespace parse_harness {

using duplex::Request;
using duplex::detail::RequestParser;

namespace {

Message snapshot(const Request& q, bool keep_alive) {
    Message m{std::string(q.method()), std::string(q.target()), std::string(q.path()),
              std::string(q.query_string()), std::string(q.body()), {}, q.http_major(), q.http_minor(),
              keep_alive};
    for (std::size_t i = 0; i < q.header_count(); ++i) {
        auto [name, value] = q.header_at(i);
        m.headers.emplace_back(name, value);
    }
    return m;
}

// Feeds `bytes` cut into pieces of the given sizes (the last piece takes the rest).
Outcome parse_pieces(const std::string& bytes, const std::vector<std::size_t>& sizes, const HttpOptions& opt) {
    RequestParser parser(opt);
    Request req;
    parser.set_target(&req);
    Outcome out;
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < bytes.size(); ++i) {
        std::size_t n = i < sizes.size() ? std::min(sizes[i], bytes.size() - pos) : bytes.size() - pos;
        const char* data = bytes.data() + pos;
        std::size_t left = n;
        pos += n;
        while (left > 0) {
            RequestParser::Result r = parser.feed(data, left);
            REQUIRE(r.consumed <= left);
            data += r.consumed;
            left -= r.consumed;
            switch (r.kind) {
            case RequestParser::Kind::NeedMore:
                REQUIRE(left == 0);
                break;
            case RequestParser::Kind::ExpectContinue:
            case RequestParser::Kind::BodyAhead:  // only with the probe on, which the harness leaves off
                ++out.continues;
                break;
            case RequestParser::Kind::Complete:
            case RequestParser::Kind::Upgrade:
                out.messages.push_back(snapshot(req, parser.keep_alive()));
                if (r.kind == RequestParser::Kind::Upgrade) return out;
                break;
            case RequestParser::Kind::Error:
                out.error = r.status;
                return out;
            }
        }
    }
    return out;
}

}  // namespace

Outcome parse(const std::string& bytes, const HttpOptions& opt) {
    Outcome whole = parse_pieces(bytes, {}, opt);
    CHECK(parse_pieces(bytes, std::vector<std::size_t>(bytes.size(), 1), opt) == whole);
    std::mt19937 rng(20240613);
    for (int round = 0; round < 20; ++round) {
        std::vector<std::size_t> sizes;
        std::uniform_int_distribution<std::size_t> cut(1, 1 + bytes.size() / 4);
        for (std::size_t total = 0; total < bytes.size(); total += sizes.back()) sizes.push_back(cut(rng));
        CHECK(parse_pieces(bytes, sizes, opt) == whole);
    }
    return whole;
}

int error_of(const std::string& bytes, const HttpOptions& opt) { return parse(bytes, opt).error; }


}  // namespace parse_harness
