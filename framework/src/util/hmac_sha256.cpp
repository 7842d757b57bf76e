#include "util/hmac_sha256.h"

#include <memory>
#include <string>

#include <openssl/core_names.h>
#include <openssl/evp.h>

namespace duplex::detail {
namespace {

struct MacFree {
    void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// Fetched and set up once per thread, like the SHA-1 hasher: a fetch per MAC costs more than the MAC itself.
struct Hmac {
    std::unique_ptr<EVP_MAC, MacFree> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx{mac ? EVP_MAC_CTX_new(mac.get()) : nullptr};
    std::string key;        // the key ctx holds; reused without rekeying while it stays the same
    bool keyed = false;

    Hmac() {
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                     OSSL_PARAM_construct_end()};
        if (ctx && EVP_MAC_CTX_set_params(ctx.get(), params) != 1) ctx.reset();
    }
};

}  // namespace

std::optional<Sha256Mac> hmac_sha256(std::string_view key, std::string_view message) {
    thread_local Hmac h;
    if (!h.ctx) return std::nullopt;
    const bool same_key = h.keyed && h.key == key;
    const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
    // A null key re-initialises with the key already set (OpenSSL 3's HMAC keeps its padded key states).
    if (EVP_MAC_init(h.ctx.get(), same_key ? nullptr : key_bytes, same_key ? 0 : key.size(), nullptr) != 1) {
        h.keyed = false;
        return std::nullopt;
    }
    if (!same_key) {
        h.key.assign(key);
        h.keyed = true;
    }
    Sha256Mac mac{};
    std::size_t length = 0;
    if (EVP_MAC_update(h.ctx.get(), reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
        EVP_MAC_final(h.ctx.get(), mac.data(), &length, mac.size()) != 1 || length != mac.size()) {
        h.keyed = false;
        return std::nullopt;
    }
    return mac;
}

}  // namespace duplex::detail
