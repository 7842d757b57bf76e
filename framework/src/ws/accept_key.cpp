#include "ws/accept_key.h"

#include "util/base64.h"
#include "util/sha1.h"

namespace duplex::detail::ws {

std::optional<std::string> accept_key(std::string_view client_key) {
    const std::optional<Sha1Digest> digest = sha1({client_key, kAcceptGuid});
    if (!digest) return std::nullopt;
    std::string out;
    base64_encode(std::string_view(reinterpret_cast<const char*>(digest->data()), digest->size()), out);
    return out;
}

}  // namespace duplex::detail::ws
