#include "duplex/cookies.h"

#include "util/base64.h"
#include "util/hmac_sha256.h"

#include <stdexcept>

#include <openssl/crypto.h>

namespace duplex {
namespace {

// base64url of 32 bytes without padding.
constexpr std::size_t kSignatureChars = 43;

// Appends the signature of `value` under `secret`; false if OpenSSL failed.
bool append_signature(std::string_view secret, std::string_view value, std::string& out) {
    const auto mac = detail::hmac_sha256(secret, value);
    if (!mac) return false;
    detail::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac->data()), mac->size()), out);
    return true;
}

}  // namespace

CookieSigner::CookieSigner(std::vector<std::string> secrets) : secrets_(std::move(secrets)) {
    if (secrets_.empty()) throw std::invalid_argument("CookieSigner needs at least one secret");
    for (const auto& s : secrets_)
        if (s.empty()) throw std::invalid_argument("CookieSigner: a secret is empty");
}

std::string CookieSigner::sign(std::string_view value) const {
    std::string out;
    out.reserve(value.size() + 1 + kSignatureChars);
    out.append(value).push_back('.');
    if (!append_signature(secrets_.front(), value, out)) throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
    return out;
}

std::optional<std::string_view> CookieSigner::unsign(std::string_view signed_value) const {
    // The signature has a fixed length, so a truncated one is refused before any MAC is computed.
    if (signed_value.size() < kSignatureChars + 1 || signed_value[signed_value.size() - kSignatureChars - 1] != '.')
        return std::nullopt;
    const std::string_view value = signed_value.substr(0, signed_value.size() - kSignatureChars - 1);
    const std::string_view given = signed_value.substr(signed_value.size() - kSignatureChars);
    thread_local std::string expected;  // keeps its capacity: no allocation per check
    // Constant-time comparison: how long a refusal takes says nothing about how much of a forged signature was right.
    for (const auto& secret : secrets_) {
        expected.clear();
        if (!append_signature(secret, value, expected) || expected.size() != kSignatureChars) return std::nullopt;
        if (CRYPTO_memcmp(expected.data(), given.data(), kSignatureChars) == 0) return value;
    }
    return std::nullopt;
}

}  // namespace duplex
