// Empty messages through permessage-deflate (found by tests/fuzz/fuzz_ws_inflate): zlib writes nothing for a
// Z_SYNC_FLUSH that follows another with no input in between, so an empty message after any other one used to fail
// to compress (and reset the compressor). It is now the single byte 00 (RFC 7692 7.2.3.6) in every position.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "ws/deflate.h"

using namespace duplex::detail::ws;

namespace {

// Compresses each message in turn and inflates it back with the matching Inflater.
void round_trip(Deflater& deflater, Inflater& inflater, std::string_view message) {
    CAPTURE(message);
    std::string compressed;
    REQUIRE(deflater.deflate(message, compressed));
    if (message.empty()) CHECK(compressed == std::string(1, '\0'));
    std::string out;
    REQUIRE(inflater.inflate(compressed, out, 1 << 16) == InflateResult::Ok);
    CHECK(out == message);
}

}  // namespace

TEST_SUITE("ws.deflate.empty_message") {
    TEST_CASE("empty messages between others, with and without context takeover") {
        for (const bool no_context_takeover : {false, true}) {
            for (const std::uint8_t window_bits : {8, 9, 15}) {
                CAPTURE(no_context_takeover);
                CAPTURE(window_bits);
                Deflater deflater(window_bits, no_context_takeover);
                Inflater inflater(window_bits, no_context_takeover);
                for (const std::string_view message : {"", "Hello", "", "", "Hello again, Hello", ""})
                    round_trip(deflater, inflater, message);
            }
        }
    }
}
