// The coders round trip through zlib's and brotli's decoders: whole bodies, and streams whose every write is
// decodable on its own (flushed), with a bounded amount of coder memory.
#include "middleware/content_encoder.h"

#include "support/content_decode.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

using namespace duplex::detail;
using testing_support::ContentDecoder;

namespace {

std::string text(std::size_t n) {
    std::string s;
    std::mt19937 rng(7);
    static const char* words[] = {"duplex ", "express ", "gzip ", "brotli ", "stream ", "<div class=\"x\">", "\n"};
    while (s.size() < n) s.append(words[rng() % 7]);
    s.resize(n);
    return s;
}

// Decodes as much of `coded` as is there; `complete` tells whether the stream was ended.
std::string decode(Coding coding, std::string_view coded, bool& complete) {
    ContentDecoder d(coding_name(coding));
    std::string out;
    CHECK(d.feed(coded, out));
    complete = d.finished();
    return out;
}

}  // namespace

TEST_SUITE("content encoder") {

TEST_CASE("whole bodies round trip in every coding and level") {
    for (Coding c : {Coding::Gzip, Coding::Deflate, Coding::Brotli}) {
        for (int level : {-1, 1, 9}) {
            for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(2000), std::size_t(300000)}) {
                CAPTURE(coding_name(c));
                CAPTURE(level);
                CAPTURE(n);
                const std::string body = text(n);
                std::string coded = "prefix";
                REQUIRE(encode_whole(c, level, body, coded));
                CHECK(coded.compare(0, 6, "prefix") == 0);
                bool complete = false;
                CHECK(decode(c, std::string_view(coded).substr(6), complete) == body);
                CHECK(complete);
                if (n >= 2000) CHECK(coded.size() < n / 2);
            }
        }
    }
}

TEST_CASE("a stream is decodable after every write, and complete after the last") {
    for (Coding c : {Coding::Gzip, Coding::Deflate, Coding::Brotli}) {
        CAPTURE(coding_name(c));
        auto enc = ContentEncoder::make(c, -1);
        REQUIRE(enc);
        std::string coded, sent;
        for (int i = 0; i < 50; ++i) {
            const std::string piece = text(100 + static_cast<std::size_t>(i) * 37) + std::to_string(i);
            REQUIRE(enc->encode(piece, false, coded));
            sent += piece;
            bool complete = true;
            CHECK(decode(c, coded, complete) == sent);  // flushed: nothing held back
            CHECK_FALSE(complete);
        }
        REQUIRE(enc->encode({}, true, coded));
        bool complete = false;
        CHECK(decode(c, coded, complete) == sent);
        CHECK(complete);
    }
}

TEST_CASE("Identity has no coder") { CHECK_FALSE(ContentEncoder::make(Coding::Identity, -1)); }

}
