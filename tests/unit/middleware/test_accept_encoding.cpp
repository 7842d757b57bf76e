// Accept-Encoding grammar (RFC 9110 12.5.3) fed whole, byte by byte and in random splits, and the negotiation.
#include "middleware/accept_encoding.h"

#include <doctest/doctest.h>

#include <ctime>
#include <random>
#include <string>

using namespace duplex::detail;

namespace {

bool same(const AcceptedCodings& a, const AcceptedCodings& b) {
    return a.present == b.present && a.valid == b.valid && a.gzip == b.gzip && a.deflate == b.deflate &&
           a.br == b.br && a.identity == b.identity && a.any == b.any;
}

// The value parsed whole, then one byte at a time, then in random pieces: always the same answer.
AcceptedCodings parse(std::string_view value) {
    const AcceptedCodings whole = parse_accept_encoding(value);
    AcceptEncodingParser bytewise;
    for (const char c : value) bytewise.feed(std::string_view(&c, 1));
    CHECK(same(bytewise.finish(), whole));
    std::mt19937 rng(static_cast<unsigned>(value.size()));
    for (int round = 0; round < 20; ++round) {
        AcceptEncodingParser pieces;
        std::size_t at = 0;
        while (at < value.size()) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(0, value.size() - at)(rng);
            pieces.feed(value.substr(at, n));
            at += n;
        }
        CHECK(same(pieces.finish(), whole));
    }
    return whole;
}

Coding pick(std::string_view value, CodingOffer offer = {}) { return negotiate(parse(value), offer); }

}  // namespace

TEST_SUITE("accept-encoding") {

TEST_CASE("what browsers send") {
    const AcceptedCodings a = parse("gzip, deflate, br, zstd");
    CHECK(a.valid);
    CHECK(a.gzip == 1000);
    CHECK(a.deflate == 1000);
    CHECK(a.br == 1000);
    CHECK(a.identity == -1);
    CHECK(a.any == -1);
    CHECK(pick("gzip, deflate, br, zstd") == Coding::Brotli);
    CHECK(pick("gzip, deflate") == Coding::Gzip);
    CHECK(pick("deflate") == Coding::Deflate);
}

TEST_CASE("q-values in thousandths, OWS and case") {
    const AcceptedCodings a = parse("GZIP;q=0.5 ,\tbr ; Q=0.25, deflate;q=0.001, identity;q=1.000, *;q=0");
    CHECK(a.valid);
    CHECK(a.gzip == 500);
    CHECK(a.br == 250);
    CHECK(a.deflate == 1);
    CHECK(a.identity == 1000);
    CHECK(a.any == 0);
    CHECK(parse("gzip;q=0.").gzip == 0);
    CHECK(parse("gzip;q=1.").gzip == 1000);
    CHECK(parse("gzip;q=0.12").gzip == 120);
    CHECK(parse("x-gzip").gzip == 1000);
}

TEST_CASE("empty elements are skipped; the first mention of a name counts") {
    const AcceptedCodings a = parse(" , ,gzip;q=0.3,, gzip , ");
    CHECK(a.valid);
    CHECK(a.gzip == 300);
    CHECK(parse("").valid);
    CHECK(negotiate(parse(""), {}) == Coding::Identity);
}

TEST_CASE("anything outside the grammar invalidates the whole value") {
    for (const char* bad : {"gzip;q=2", "gzip;q=1.5", "gzip;q=0.1234", "gzip;q=", "gzip;q", "gzip;", "gzip;level=1",
                            "gzip;q=0.5;q=0.5", "gzip q=1", "gzip;q=\"1\"", "\"gzip\"", "gzip;q=.5", "gzip;q=0.5x",
                            "gzip@", "gzip;q=1.001", "br\r\n"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse(bad).valid);
        CHECK(pick(bad) == Coding::Identity);
    }
}

TEST_CASE("negotiation: weights, '*', identity, what the server offers") {
    CHECK(pick("gzip;q=0.5, br;q=0.4") == Coding::Gzip);
    CHECK(pick("gzip;q=0, br;q=0") == Coding::Identity);
    CHECK(pick("*") == Coding::Brotli);
    CHECK(pick("*;q=0.5, br;q=0") == Coding::Gzip);
    CHECK(pick("identity") == Coding::Identity);
    CHECK(pick("gzip;q=0.2, identity;q=0.8") == Coding::Identity);
    CHECK(pick("gzip;q=0.8, identity;q=0.8") == Coding::Gzip);
    CHECK(pick("identity;q=0") == Coding::Identity);  // nothing else offered: identity anyway, never 406
    CHECK(pick("*;q=0") == Coding::Identity);
    CHECK(pick("zstd, compress") == Coding::Identity);
    CHECK(pick("br, gzip", {.br = false}) == Coding::Gzip);
    CHECK(pick("br", {.br = false}) == Coding::Identity);
    CHECK(negotiate(AcceptedCodings{}, {}) == Coding::Identity);  // no header at all
}

TEST_CASE("long names are unknown names, not a prefix match") {
    CHECK(parse("gzipgzip").gzip == -1);
    CHECK(parse("identityx").identity == -1);
    CHECK(parse("brr, gzi").br == -1);
}

TEST_CASE("10,000 codings: linear time, first mentions kept") {
    std::string value;
    for (int i = 0; i < 10000; ++i)
        value.append(i % 3 ? "x-unknown-coding-" + std::to_string(i) + ";q=0.5, " : "gzip;q=0.7, ");
    value.append("br");
    const std::clock_t start = std::clock();  // CPU time: other work on a loaded machine does not count
    AcceptedCodings a;
    for (int i = 0; i < 10; ++i) a = parse_accept_encoding(value);
    const double elapsed_ms = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    CHECK(a.valid);
    CHECK(a.gzip == 700);
    CHECK(a.br == 1000);
    CHECK(negotiate(a, {}) == Coding::Brotli);
    CHECK(elapsed_ms < 500);  // ~250 KB ten times; a quadratic parser would take seconds
}

}
