#include "util/random.h"

#include <climits>
#include <cstring>

#include <openssl/rand.h>

namespace duplex::detail {

bool fill_random(void* dst, std::size_t n) {
    auto* bytes = static_cast<unsigned char*>(dst);
    // RAND_bytes takes an int length: split larger requests.
    while (n > 0) {
        const int chunk = n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
        if (RAND_bytes(bytes, chunk) != 1) return false;
        bytes += chunk;
        n -= static_cast<std::size_t>(chunk);
    }
    return true;
}

std::optional<MaskKey> RandomPool::mask_key() {
    MaskKey key;
    if (next_ + key.size() > kSize) {
        if (!fill_random(buffer_.data(), kSize)) return std::nullopt;
        next_ = 0;
    }
    std::memcpy(key.data(), buffer_.data() + next_, key.size());
    next_ += key.size();
    return key;
}

RandomPool& thread_random_pool() {
    thread_local RandomPool pool;
    return pool;
}

}  // namespace duplex::detail
