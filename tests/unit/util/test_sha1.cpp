#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "util/sha1.h"

using duplex::detail::sha1;
using duplex::detail::Sha1Digest;

namespace {

std::string hex(const std::optional<Sha1Digest>& digest) {
    if (!digest) return "<failed>";
    std::string out;
    for (const unsigned char byte : *digest) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", byte);
        out += two;
    }
    return out;
}

}  // namespace

TEST_SUITE("util") {
    TEST_CASE("sha1 matches the FIPS 180 / RFC 3174 vectors") {
        CHECK(hex(sha1({""})) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        CHECK(hex(sha1({"abc"})) == "a9993e364706816aba3e25717850c26c9cd0d89d");
        CHECK(hex(sha1({"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"})) ==
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        CHECK(hex(sha1({std::string(1000000, 'a')})) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    TEST_CASE("sha1 hashes its parts as one concatenation") {
        CHECK(hex(sha1({"a", "", "bc"})) == "a9993e364706816aba3e25717850c26c9cd0d89d");
        CHECK(hex(sha1({})) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}
