#include "tls/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

namespace duplex::detail::tls {
namespace {

// Where an SSL_CTX keeps its ring, for the callback (which gets the SSL only).
int ring_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

TicketKeys::TicketKeys(std::chrono::milliseconds interval, Clock clock)
    : interval_(std::max(interval, std::chrono::milliseconds(1))), clock_(std::move(clock)) {}

TicketKeys::~TicketKeys() {
    OPENSSL_cleanse(&current_, sizeof current_);
    OPENSSL_cleanse(&previous_, sizeof previous_);
}

std::shared_ptr<TicketKeys> TicketKeys::shared(const TlsOptions& options) {
    // Everything that decides what a resumed session may skip: the certificates, the client check, the interval.
    std::string id = options.cert_file + '\0' + options.key_file + '\0' + options.client_ca_file + '\0' +
                     std::to_string(options.ticket_key_rotation.count());
    for (const TlsCertificate& c : options.sni) id += '\0' + c.cert_file + '\0' + c.key_file;
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<TicketKeys>> rings;
    std::lock_guard lock(mutex);
    std::erase_if(rings, [](const auto& entry) { return entry.second.expired(); });
    std::weak_ptr<TicketKeys>& slot = rings[id];
    if (std::shared_ptr<TicketKeys> ring = slot.lock()) return ring;
    auto ring = std::make_shared<TicketKeys>(options.ticket_key_rotation);
    slot = ring;
    return ring;
}

void TicketKeys::attach(SSL_CTX* ctx) {
    SSL_CTX_set_ex_data(ctx, ring_index(), this);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, on_ticket);
}

bool TicketKeys::fresh(Key& key) {
    return RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) == 1 &&
           RAND_bytes(key.aes.data(), static_cast<int>(key.aes.size())) == 1 &&
           RAND_bytes(key.hmac.data(), static_cast<int>(key.hmac.size())) == 1;
}

bool TicketKeys::rotate_if_due() {
    const auto now = clock_();
    if (ready_ && now - rotated_at_ < interval_) return true;
    Key next;
    if (!fresh(next)) return false;
    const auto steps = ready_ ? (now - rotated_at_) / interval_ : 0;
    // One interval passed: the current key becomes the previous one. Two or more: nothing issued before
    // may resume any more, so no previous key is kept.
    have_previous_ = steps == 1;
    if (have_previous_) previous_ = current_;
    else OPENSSL_cleanse(&previous_, sizeof previous_);
    current_ = next;
    OPENSSL_cleanse(&next, sizeof next);
    rotated_at_ = ready_ ? rotated_at_ + steps * interval_ : now;
    ready_ = true;
    return true;
}

bool TicketKeys::current(Key& out) {
    std::lock_guard lock(mutex_);
    if (!rotate_if_due()) return false;
    out = current_;
    return true;
}

TicketKeys::Found TicketKeys::find(const unsigned char* name, Key& out) {
    std::lock_guard lock(mutex_);
    if (!rotate_if_due()) return Found::None;
    if (std::memcmp(name, current_.name.data(), current_.name.size()) == 0) {
        out = current_;
        return Found::Current;
    }
    if (have_previous_ && std::memcmp(name, previous_.name.data(), previous_.name.size()) == 0) {
        out = previous_;
        return Found::Previous;
    }
    return Found::None;
}

// OpenSSL's ticket callback: encrypt (1) seals a new ticket under the current key; otherwise the ticket's key
// name picks the key: 1 resumes, 2 resumes and renews the ticket, 0 means a full handshake; -1 is an error.
int TicketKeys::on_ticket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                          EVP_MAC_CTX* mac, int encrypt) {
    auto* self = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ring_index()));
    if (!self) return encrypt ? -1 : 0;
    try {  // a mutex that cannot be locked throws; nothing may cross into OpenSSL
        Key key;
        int verdict = 1;
        if (encrypt) {
            if (!self->current(key)) return -1;
            if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return -1;
            std::memcpy(name, key.name.data(), key.name.size());
        } else {
            const Found found = self->find(name, key);
            if (found == Found::None) return 0;
            if (found == Found::Previous) verdict = 2;
        }
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmac.data(), key.hmac.size()),
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
        const bool ok = EVP_MAC_CTX_set_params(mac, params) == 1 &&
                        EVP_CipherInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv, encrypt) == 1;
        OPENSSL_cleanse(&key, sizeof key);
        return ok ? verdict : -1;
    } catch (...) {
        return -1;
    }
}

}  // namespace duplex::detail::tls
