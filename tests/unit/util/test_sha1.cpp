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
        // Every split of messages around the 64-byte block and the 56-byte padding boundaries.
        for (std::size_t len : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 200u}) {
            std::string m;
            for (std::size_t i = 0; i < len; ++i) m.push_back(static_cast<char>('!' + (i * 7) % 90));
            const std::string whole = hex(sha1({m}));
            for (std::size_t cut = 0; cut <= len; ++cut) {
                CAPTURE(len);
                CAPTURE(cut);
                const std::string_view v(m);
                CHECK(hex(sha1({v.substr(0, cut), v.substr(cut)})) == whole);
            }
        }
    }

    TEST_CASE("sha1 at the padding boundaries (digests from an independent implementation)") {
        // Python: hashlib.sha1(b"a" * n).hexdigest()
        CHECK(hex(sha1({std::string(55, 'a')})) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
        CHECK(hex(sha1({std::string(56, 'a')})) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
        CHECK(hex(sha1({std::string(64, 'a')})) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
    }
}
