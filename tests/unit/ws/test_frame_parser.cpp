#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "../support/allocation_count.h"
#include "test_frame_support.h"
#include "ws/frame_parser.h"

using namespace duplex::detail::ws;
using namespace duplex::detail::ws::testing;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
    std::string out;
    for (unsigned v : values) out.push_back(static_cast<char>(v));
    return out;
}

// A masked frame with a hand-made first byte, for bit patterns the writer never produces.
std::string raw_client_frame(unsigned first_byte, std::string_view payload) {
    std::string out = client_frame(Opcode::Binary, payload);
    out[0] = static_cast<char>(first_byte);
    return out;
}

ReaderConfig deflate_config() {
    ReaderConfig config;
    config.rsv1_allowed = true;
    return config;
}

const std::string valid_ping = client_frame(Opcode::Ping, "after");

}  // namespace

TEST_SUITE("ws.frame_parser") {

TEST_CASE("events of one frame: header, then the unmasked payload in place") {
    std::string wire = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    FrameParser parser(Role::Server, false);
    char* pos = wire.data();
    char* const end = wire.data() + wire.size();

    FrameEvent event = parser.next(pos, end);
    REQUIRE(event.kind == FrameEvent::Kind::Header);
    CHECK(parser.header().fin);
    CHECK_FALSE(parser.header().rsv1);
    CHECK(parser.header().opcode == Opcode::Text);
    CHECK(parser.header().masked);
    CHECK(parser.header().mask == test_key);
    CHECK(parser.header().payload_size == 5);
    CHECK(pos == wire.data() + 6);

    event = parser.next(pos, end);
    REQUIRE(event.kind == FrameEvent::Kind::Payload);
    CHECK(event.frame_end);
    CHECK(event.payload == "Hello");
    CHECK(event.payload.data() == wire.data() + 6);
    CHECK(pos == end);
    CHECK(parser.next(pos, end).kind == FrameEvent::Kind::NeedMore);
}

TEST_CASE("an empty frame still ends with one empty payload event") {
    std::string wire = bytes({0x82, 0x00, 0x8a, 0x00});
    FrameParser parser(Role::Client, false);
    char* pos = wire.data();
    char* const end = wire.data() + wire.size();
    for (Opcode expected : {Opcode::Binary, Opcode::Pong}) {
        REQUIRE(parser.next(pos, end).kind == FrameEvent::Kind::Header);
        CHECK(parser.header().opcode == expected);
        const FrameEvent payload = parser.next(pos, end);
        REQUIRE(payload.kind == FrameEvent::Kind::Payload);
        CHECK(payload.frame_end);
        CHECK(payload.payload.empty());
    }
    CHECK(parser.next(pos, end).kind == FrameEvent::Kind::NeedMore);
}

TEST_CASE("a header cut by the end of the input is left to be given again") {
    std::string wire = client_frame(Opcode::Text, "Hello");  // 6-byte header
    FrameParser parser(Role::Server, false);
    for (std::size_t cut = 0; cut < 6; ++cut) {
        INFO("cut after " << cut << " bytes");
        char* pos = wire.data();
        CHECK(parser.next(pos, wire.data() + cut).kind == FrameEvent::Kind::NeedMore);
        CHECK(pos == wire.data());
    }
    char* pos = wire.data();
    REQUIRE(parser.next(pos, wire.data() + wire.size()).kind == FrameEvent::Kind::Header);
    CHECK(pos == wire.data() + 6);
    CHECK(parser.header().payload_size == 5);

    // A bad start still fails on its first two bytes, before the rest of the header arrives.
    std::string bad = bytes({0x82, 0x7f});  // unmasked, sent to a server
    FrameParser strict(Role::Server, false);
    pos = bad.data();
    CHECK(strict.next(pos, bad.data() + 1).kind == FrameEvent::Kind::NeedMore);
    CHECK(strict.next(pos, bad.data() + 2).kind == FrameEvent::Kind::Error);
}

TEST_CASE("round trip at every length boundary, both roles, every split") {
    for (std::size_t size : {0, 1, 125, 126, 127, 65535, 65536, 65537, (1 << 20) + 3}) {
        INFO("payload of " << size << " bytes");
        std::string payload(size, '\0');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>((i * 7 + size) & 0xFF);
        for (bool client : {false, true}) {
            const std::string wire = client ? server_frame(Opcode::Binary, payload) : client_frame(Opcode::Binary, payload);
            for (Split split : {Split::Whole, Split::Bytewise, Split::Random}) {
                INFO((client ? "client" : "server") << " reading, fed " << split_name(split));
                MessageReader reader(client ? client_config() : server_config());
                RecordingSink sink;
                feed(reader, sink, wire, split);
                REQUIRE(sink.payloads.size() == 1);
                CHECK(sink.log.rfind("binary:", 0) == 0);
                CHECK(sink.payloads[0] == payload);
            }
        }
    }
}

TEST_CASE("non-minimal length encodings are accepted") {
    // 5 bytes announced in the 16-bit and in the 64-bit form (senders must be minimal, receivers need not check).
    std::string wire16 = bytes({0x82, 126, 0, 5}) + "abcde";
    std::string wire64 = bytes({0x82, 127, 0, 0, 0, 0, 0, 0, 0, 5}) + "abcde";
    CHECK_READS(wire16, client_config(), "binary:abcde");
    CHECK_READS(wire64, client_config(), "binary:abcde");
}

TEST_CASE("header rules: each violation closes with 1002 and stops the reader") {
    // Every case is followed by a valid ping that must not be reported.
    SUBCASE("reserved opcodes") {
        for (unsigned opcode : {3u, 4u, 5u, 6u, 7u, 0xbu, 0xcu, 0xdu, 0xeu, 0xfu}) {
            INFO("opcode " << opcode);
            CHECK_READS(raw_client_frame(0x80 | opcode, "x") + valid_ping, server_config(), "error:1002");
        }
    }
    SUBCASE("RSV2 and RSV3 are never allowed") {
        CHECK_READS(raw_client_frame(0xa2, "x") + valid_ping, deflate_config(), "error:1002");
        CHECK_READS(raw_client_frame(0x92, "x") + valid_ping, deflate_config(), "error:1002");
    }
    SUBCASE("RSV1 without a negotiated extension") {
        CHECK_READS(client_frame(Opcode::Text, "x", true, true) + valid_ping, server_config(), "error:1002");
    }
    SUBCASE("RSV1 on control and continuation frames, even with deflate") {
        CHECK_READS(raw_client_frame(0xc9, "x") + valid_ping, deflate_config(), "error:1002");
        CHECK_READS(client_frame(Opcode::Text, "x", false, true) + client_frame(Opcode::Continuation, "y", true, true) +
                        valid_ping,
                    deflate_config(), "error:1002");
    }
    SUBCASE("control frames must not be fragmented") {
        CHECK_READS(raw_client_frame(0x09, "x") + valid_ping, server_config(), "error:1002");
        CHECK_READS(raw_client_frame(0x08, "") + valid_ping, server_config(), "error:1002");
    }
    SUBCASE("control payloads over 125 bytes") {
        CHECK_READS(client_frame(Opcode::Ping, std::string(125, 'p')), server_config(), "ping:<125 bytes>");
        CHECK_READS(client_frame(Opcode::Ping, std::string(126, 'p')) + valid_ping, server_config(), "error:1002");
        CHECK_READS(client_frame(Opcode::Pong, std::string(70000, 'p')) + valid_ping, server_config(), "error:1002");
        // Five bytes, but with a 16-bit length: a control frame's length must be in the 7-bit field.
        CHECK_READS(bytes({0x89, 0xfe, 0x00, 0x05, 0, 0, 0, 0, 'p', 'p', 'p', 'p', 'p'}) + valid_ping, server_config(),
                    "error:1002");
    }
    SUBCASE("a server refuses unmasked frames, a client refuses masked ones") {
        CHECK_READS(server_frame(Opcode::Text, "hi") + valid_ping, server_config(), "error:1002");
        CHECK_READS(client_frame(Opcode::Text, "hi") + server_frame(Opcode::Ping, ""), client_config(), "error:1002");
    }
    SUBCASE("64-bit length with the top bit set") {
        CHECK_READS(bytes({0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x37, 0xfa, 0x21, 0x3d}) + valid_ping, server_config(),
                    "error:1002");
        CHECK_READS(bytes({0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), client_config(), "error:1002");
    }
}

TEST_CASE("a bad header fails on its first two bytes, before the rest arrives") {
    std::string start = bytes({0x82, 0x7f});  // unmasked 64-bit frame sent to a server: two bytes are enough
    MessageReader reader(server_config());
    RecordingSink sink;
    reader.feed(start.data(), 1, sink);
    CHECK(sink.log.empty());
    reader.feed(start.data() + 1, 1, sink);
    CHECK(sink.log == "error:1002");
    CHECK(reader.state() == MessageReader::State::Failed);
}

TEST_CASE("huge declared lengths never allocate") {
    // 2^63 - 1 bytes announced: refused with 1009 from the header alone under the default limit.
    const std::string huge_header = bytes({0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x37, 0xfa, 0x21, 0x3d});
    CHECK_READS(huge_header + valid_ping, server_config(), "error:1009");
    {
        MessageReader refusing(server_config());
        RecordingSink sink;
        sink.log.reserve(64);
        std::string wire = huge_header;  // 14 bytes: no allocation (short string)
        testing_support::AllocationScope heap;
        refusing.feed(wire.data(), wire.size(), sink);
        CHECK(heap.now().calls == 0);  // refused from the header: not a byte allocated
        CHECK(sink.log == "error:1009");
    }

    // The largest limit there is (a configured 4 GiB or more saturates at 4 GiB - 1) and a frame that
    // declares just under it: the reader must still buffer only what arrived, not the declared length.
    ReaderConfig unlimited;
    unlimited.max_message_size = UINT64_MAX;
    const std::string just_under = bytes({0x02, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0, 0x37, 0xfa, 0x21, 0x3d});
    std::string wire = just_under + std::string(1000, 'z');  // not final, so it must be buffered
    MessageReader reader(unlimited);
    RecordingSink sink;
    testing_support::AllocationScope heap;
    CHECK_NOTHROW(reader.feed(wire.data(), wire.size(), sink));
    const testing_support::AllocationCount used = heap.now();
    INFO("allocated " << used.bytes << " bytes in " << used.calls << " calls for 1000 bytes of a 4 GiB frame");
    CHECK(used.bytes <= 64 * 1024);  // what arrived (and a buffer's slack), never the 4 GiB declared
    CHECK(sink.log.empty());
    CHECK(reader.state() == MessageReader::State::Reading);

    // 4 GiB itself is past the saturated limit: refused from the header.
    const std::string four_gib = bytes({0x82, 0xff, 0, 0, 0, 0x01, 0, 0, 0, 0, 0x37, 0xfa, 0x21, 0x3d});
    CHECK_READS(four_gib + valid_ping, unlimited, "error:1009");
}

}  // TEST_SUITE
