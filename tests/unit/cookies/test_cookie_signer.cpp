// CookieSigner: HMAC-SHA256 signatures, wrong keys, truncated signatures, rotation (duplex/cookies.h).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "duplex/cookies.h"
#include "util/hmac_sha256.h"

using duplex::CookieSigner;

TEST_SUITE("cookies") {

TEST_CASE("HMAC-SHA256: RFC 4231 test case 2") {
    const auto mac = duplex::detail::hmac_sha256("Jefe", "what do ya want for nothing?");
    REQUIRE(mac);
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (const auto b : *mac) {
        text += hex[b >> 4];
        text += hex[b & 15];
    }
    CHECK(text == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("sign and unsign: the value comes back, with 43 characters of base64url signature") {
    const CookieSigner signer({"first secret"});
    const std::string s = signer.sign("user-42");
    CHECK(s.size() == std::string("user-42").size() + 1 + 43);
    CHECK(s.rfind("user-42.", 0) == 0);
    CHECK(s.find_first_of("+/=") == std::string::npos);
    CHECK(signer.unsign(s) == "user-42");
    CHECK(signer.sign("user-42") == s);  // deterministic
    // Values may hold dots: the signature is the fixed-length tail.
    CHECK(signer.unsign(signer.sign("a.b.c")) == "a.b.c");
    CHECK(signer.unsign(signer.sign("")) == "");
}

TEST_CASE("unsign refuses a wrong key, a changed value, a truncated or altered signature") {
    const CookieSigner signer({"right key"});
    const CookieSigner other({"wrong key"});
    const std::string s = signer.sign("admin=0");
    CHECK_FALSE(other.unsign(s));
    CHECK_FALSE(signer.unsign("admin=1" + s.substr(7)));
    CHECK_FALSE(signer.unsign(s.substr(0, s.size() - 1)));
    CHECK_FALSE(signer.unsign(s.substr(0, s.size() - 20)));
    CHECK_FALSE(signer.unsign(s + "A"));
    std::string flipped = s;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(signer.unsign(flipped));
    CHECK_FALSE(signer.unsign("admin=0"));
    CHECK_FALSE(signer.unsign(""));
    CHECK_FALSE(signer.unsign("."));
    CHECK_FALSE(signer.unsign(std::string(44, '.')));
}

TEST_CASE("rotation: signs with the first secret, accepts any") {
    const CookieSigner old_signer({"old"});
    const CookieSigner rotated({"new", "old"});
    const CookieSigner retired({"new"});
    const std::string by_old = old_signer.sign("v");
    CHECK(rotated.unsign(by_old) == "v");
    CHECK(rotated.sign("v") == retired.sign("v"));
    CHECK(retired.unsign(rotated.sign("v")) == "v");
    CHECK_FALSE(retired.unsign(by_old));
    CHECK_FALSE(old_signer.unsign(rotated.sign("v")));
}

TEST_CASE("a signer needs secrets") {
    CHECK_THROWS_AS(CookieSigner({}), std::invalid_argument);
    CHECK_THROWS_AS(CookieSigner({"ok", ""}), std::invalid_argument);
}

}  // TEST_SUITE
