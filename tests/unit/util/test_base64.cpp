#include <doctest/doctest.h>

#include <string>

#include "util/base64.h"

using duplex::detail::base64_decode;
using duplex::detail::base64_encode;

namespace {

std::string encode(std::string_view bytes) {
    std::string out;
    base64_encode(bytes, out);
    return out;
}

// Returns "<rejected>" on failure so the assertion shows what happened.
std::string decode(std::string_view text) {
    std::string out = "prefix";
    if (!base64_decode(text, out)) return out == "prefix" ? "<rejected>" : "<rejected, out changed>";
    return out.substr(6);
}

}  // namespace

TEST_SUITE("util") {
    TEST_CASE("base64 encodes the RFC 4648 section 10 vectors") {
        CHECK(encode("") == "");
        CHECK(encode("f") == "Zg==");
        CHECK(encode("fo") == "Zm8=");
        CHECK(encode("foo") == "Zm9v");
        CHECK(encode("foob") == "Zm9vYg==");
        CHECK(encode("fooba") == "Zm9vYmE=");
        CHECK(encode("foobar") == "Zm9vYmFy");
    }

    TEST_CASE("base64 encoding appends to what out already holds") {
        std::string out = "key: ";
        base64_encode("foo", out);
        CHECK(out == "key: Zm9v");
    }

    TEST_CASE("base64 decodes the RFC 4648 section 10 vectors") {
        CHECK(decode("") == "");
        CHECK(decode("Zg==") == "f");
        CHECK(decode("Zm8=") == "fo");
        CHECK(decode("Zm9v") == "foo");
        CHECK(decode("Zm9vYg==") == "foob");
        CHECK(decode("Zm9vYmE=") == "fooba");
        CHECK(decode("Zm9vYmFy") == "foobar");
    }

    TEST_CASE("base64 round-trips every byte value, including + and /") {
        std::string all;
        for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
        const std::string text = encode(all);
        CHECK(text.find('+') != std::string::npos);
        CHECK(text.find('/') != std::string::npos);
        CHECK(decode(text) == all);
    }

    TEST_CASE("base64 decoding is strict and leaves out unchanged on failure") {
        CHECK(decode("Zg=") == "<rejected>");           // length not a multiple of 4
        CHECK(decode("Zg") == "<rejected>");            // padding missing
        CHECK(decode("Z===") == "<rejected>");          // three padding characters
        CHECK(decode("====") == "<rejected>");
        CHECK(decode("Zg=a") == "<rejected>");          // data after padding
        CHECK(decode("Zm9vYg==Zm9v") == "<rejected>");  // padding in the middle
        CHECK(decode("Zm 9") == "<rejected>");          // whitespace
        CHECK(decode("Zm9v\n") == "<rejected>");
        CHECK(decode("Zm9-") == "<rejected>");          // base64url alphabet is not accepted
        CHECK(decode("Zm9_") == "<rejected>");
        CHECK(decode("Zh==") == "<rejected>");          // non-zero bits under the padding
        CHECK(decode("Zm9=") == "<rejected>");
        CHECK(decode(std::string_view("Zm\0v", 4)) == "<rejected>");
        CHECK(decode("Zm9vYmFy!===") == "<rejected>");  // a bad character in a later quad rolls back the first
    }
}

TEST_CASE("base64url: '-' and '_' for '+' and '/', no padding, appended") {
    std::string out = "x";
    duplex::detail::base64url_encode("\xfb\xff\xbf", out);
    CHECK(out == "x-_-_");
    out.clear();
    duplex::detail::base64url_encode("f", out);
    CHECK(out == "Zg");
    out.clear();
    duplex::detail::base64url_encode("fo", out);
    CHECK(out == "Zm8");
    out.clear();
    duplex::detail::base64url_encode("", out);
    CHECK(out.empty());
}
