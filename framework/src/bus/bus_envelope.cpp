#include "bus/bus_envelope.h"

#include "util/random.h"

#include <chrono>
#include <cstring>

#include <unistd.h>

namespace duplex::detail::bus {

namespace {
constexpr char kVersion = 1;
}

std::array<char, kEnvelopeHeader> envelope_header(std::uint64_t origin, bool binary) {
    std::array<char, kEnvelopeHeader> head{};
    head[0] = kVersion;
    std::memcpy(head.data() + 1, &origin, sizeof origin);  // opaque: only ever compared with the same process's id
    head[9] = binary ? 'b' : 't';
    return head;
}

std::optional<Envelope> decode_envelope(std::string_view bytes) {
    if (bytes.size() < kEnvelopeHeader || bytes[0] != kVersion || (bytes[9] != 't' && bytes[9] != 'b'))
        return std::nullopt;
    Envelope e;
    std::memcpy(&e.origin, bytes.data() + 1, sizeof e.origin);
    e.binary = bytes[9] == 'b';
    e.payload = bytes.substr(kEnvelopeHeader);
    return e;
}

std::uint64_t process_origin_id() {
    static const std::uint64_t id = [] {
        std::uint64_t v = 0;
        if (!fill_random(&v, sizeof v)) {
            // No CSPRNG: the pid and the clock still tell the processes of one machine apart.
            v = static_cast<std::uint64_t>(::getpid()) << 32 ^
                static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        }
        return v;
    }();
    return id;
}

}  // namespace duplex::detail::bus
