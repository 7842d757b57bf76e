// Fuzz target: the Redis bridge's pure parsers (bus/). The first byte picks one: the redis:// URL parser, or the
// envelope a message carries on a channel. A URL that parses has a host, a port in 1..65535 and a db up to
// 999999, and the same text parses the same way twice; an envelope that decodes has a payload that is exactly
// the bytes after its 10-byte header.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bus/bus_envelope.h"
#include "bus/redis_url.h"
#include "fuzz_check.h"

using namespace duplex::detail::bus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] & 1) {
        RedisUrl u, again;
        const std::string_view err = parse_redis_url(input, u);
        FUZZ_CHECK(parse_redis_url(input, again) == err);
        if (err.empty()) {
            FUZZ_CHECK(!u.host.empty());
            FUZZ_CHECK(u.port >= 1);
            FUZZ_CHECK(u.db <= 999999);
            FUZZ_CHECK(u.host == again.host && u.password == again.password && u.port == again.port);
            FUZZ_CHECK(u.has_password || u.password.empty());
        }
    } else if (auto e = decode_envelope(input)) {
        FUZZ_CHECK(input.size() >= kEnvelopeHeader);
        FUZZ_CHECK(e->payload.data() == input.data() + kEnvelopeHeader);
        FUZZ_CHECK(e->payload.size() == input.size() - kEnvelopeHeader);
        const auto head = envelope_header(e->origin, e->binary);
        FUZZ_CHECK(input.substr(0, kEnvelopeHeader) == std::string_view(head.data(), head.size()));
    }
    return 0;
}
