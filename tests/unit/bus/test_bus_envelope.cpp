// The bridge's wire format: origin id, opcode, binary-safe payload.
#include "bus/bus_envelope.h"

#include <doctest/doctest.h>

#include <string>

using namespace duplex::detail::bus;

TEST_SUITE("bus") {
TEST_CASE("bus envelope: round trip keeps origin, opcode and every byte") {
    const std::string payload("a\0b\xff\r\n", 6);
    for (bool binary : {false, true}) {
        const auto head = envelope_header(0x0123456789abcdefULL, binary);
        const std::string wire = std::string(head.data(), head.size()) + payload;
        auto e = decode_envelope(wire);
        REQUIRE(e);
        CHECK(e->origin == 0x0123456789abcdefULL);
        CHECK(e->binary == binary);
        CHECK(e->payload == payload);
    }
    const auto head = envelope_header(7, false);
    auto empty = decode_envelope(std::string_view(head.data(), head.size()));
    REQUIRE(empty);
    CHECK(empty->payload.empty());
}

TEST_CASE("bus envelope: anything else is refused") {
    const auto head = envelope_header(7, true);
    std::string wire(head.data(), head.size());
    for (std::size_t n = 0; n < wire.size(); ++n) CHECK(!decode_envelope(wire.substr(0, n)));  // too short
    std::string other_version = wire;
    other_version[0] = 2;
    CHECK(!decode_envelope(other_version));
    std::string other_opcode = wire;
    other_opcode[9] = 'x';
    CHECK(!decode_envelope(other_opcode));
    CHECK(!decode_envelope("hello, world"));  // a plain PUBLISH from redis-cli
}

TEST_CASE("bus envelope: one origin per process, the same on every thread") {
    CHECK(process_origin_id() == process_origin_id());
}
}
