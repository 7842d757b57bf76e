#include <doctest/doctest.h>

#include <random>
#include <string>

#include "test_frame_support.h"

using namespace duplex::detail::ws;
using namespace duplex::detail::ws::testing;

namespace {

std::string text(std::string_view payload, bool fin = true) { return client_frame(Opcode::Text, payload, fin); }
std::string binary(std::string_view payload, bool fin = true) { return client_frame(Opcode::Binary, payload, fin); }
std::string more(std::string_view payload, bool fin = true) { return client_frame(Opcode::Continuation, payload, fin); }
std::string ping(std::string_view payload) { return client_frame(Opcode::Ping, payload); }

// One empty binary message sent as `count` frames.
std::string empty_fragments(int count) {
    std::string wire = binary("", false);
    for (int i = 1; i < count; ++i) wire += more("", i == count - 1);
    return wire;
}

ReaderConfig deflate_config() {
    ReaderConfig config;
    config.rsv1_allowed = true;
    return config;
}

}  // namespace

TEST_SUITE("ws.message_reader") {

TEST_CASE("whole messages and control frames in sequence") {
    CHECK_READS(text("Hello") + binary(std::string("\0\1\2", 3)) + ping("p") + client_frame(Opcode::Pong, "") + text(""),
                server_config(), std::string("text:Hello|binary:") + std::string("\0\1\2", 3) + "|ping:p|pong:|text:");
}

TEST_CASE("RFC 6455 5.7 server frames, read by a client") {
    const std::string wire = server_frame(Opcode::Text, "Hel", false) + server_frame(Opcode::Continuation, "lo") +
                             server_frame(Opcode::Ping, "Hello");
    CHECK_READS(wire, client_config(), "text:Hello|ping:Hello");
}

TEST_CASE("fragmented messages are reassembled, empty fragments included") {
    CHECK_READS(text("Hel", false) + more("", false) + more("lo"), server_config(), "text:Hello");
    CHECK_READS(binary("", false) + more("ab", false) + more(""), server_config(), "binary:ab");
    CHECK_READS(text("", false) + more(""), server_config(), "text:");
    std::string big(100000, 'b');
    CHECK_READS(binary(big.substr(0, 70000), false) + more(big.substr(70000)) + text("next"), server_config(),
                "binary:<100000 bytes>|text:next");
}

TEST_CASE("control frames between fragments are delivered at once") {
    CHECK_READS(text("Hel", false) + ping("1") + more("l", false) + client_frame(Opcode::Pong, "2") + ping("3") + more("o"),
                server_config(), "ping:1|pong:2|ping:3|text:Hello");

    // Delivered before the message's last fragment has even arrived.
    std::string wire = text("Hel", false) + ping("now");
    MessageReader reader(server_config());
    RecordingSink sink;
    reader.feed(wire.data(), wire.size(), sink);
    CHECK(sink.log == "ping:now");
}

TEST_CASE("a Close frame stops the reader, even between fragments") {
    const std::string close = client_frame(Opcode::Close, "\x03\xe8" "bye");
    CHECK_READS(text("Hel", false) + close + more("lo") + ping("ignored"), server_config(), "close:\x03\xe8" "bye");
    MessageReader reader(server_config());
    RecordingSink sink;
    feed(reader, sink, close + text("ignored"), Split::Whole);
    CHECK(reader.state() == MessageReader::State::Closed);
}

TEST_CASE("fragmentation errors close with 1002") {
    CHECK_READS(more("orphan") + ping("ignored"), server_config(), "error:1002");
    CHECK_READS(text("a", false) + text("b") + ping("ignored"), server_config(), "error:1002");
    CHECK_READS(text("a", false) + binary("b") + ping("ignored"), server_config(), "error:1002");
    CHECK_READS(text("whole") + more("late"), server_config(), "text:whole|error:1002");
}

TEST_CASE("uncompressed text must be UTF-8 (1007)") {
    CHECK_READS(text("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), server_config(),
                "text:\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
    CHECK_READS(text("ok\xc0\x80") + ping("ignored"), server_config(), "error:1007");
    CHECK_READS(text("cut \xe2\x82") + ping("ignored"), server_config(), "error:1007");
    // A code point split across fragments is fine; one left open at the end is not.
    CHECK_READS(text("\xe2", false) + more("\x82", false) + more("\xac"), server_config(), "text:\xe2\x82\xac");
    CHECK_READS(text("\xe2", false) + more("\x82") + ping("ignored"), server_config(), "error:1007");
    // Binary messages are not checked.
    CHECK_READS(binary("\xff\xfe"), server_config(), "binary:\xff\xfe");
}

TEST_CASE("bad UTF-8 fails fast, before the message is complete") {
    SUBCASE("in a first fragment, before its continuation arrives") {
        std::string wire = text("good \xed\xa0\x80", false);  // a surrogate
        MessageReader reader(server_config());
        RecordingSink sink;
        reader.feed(wire.data(), wire.size(), sink);
        CHECK(sink.log == "error:1007");
    }
    SUBCASE("inside one frame, before the rest of its payload arrives") {
        std::string wire = text(std::string("ab\xf4\x90") + std::string(1000, 'x'));
        MessageReader reader(server_config());
        RecordingSink sink;
        const std::size_t header = wire.size() - 1004;
        reader.feed(wire.data(), header + 3, sink);
        CHECK(sink.log.empty());
        reader.feed(wire.data() + header + 3, 1, sink);  // 0xF4 0x90: above U+10FFFF
        CHECK(sink.log == "error:1007");
    }
}

TEST_CASE("compressed messages are handed over as received, unchecked") {
    const std::string deflated("\xf2\x48\xcd\xc9\xc9\x07\x00", 7);
    CHECK_READS(client_frame(Opcode::Text, deflated, true, true), deflate_config(), "ztext:" + deflated);
    CHECK_READS(client_frame(Opcode::Text, deflated.substr(0, 3), false, true) + ping("p") + more(deflated.substr(3)),
                deflate_config(), "ping:p|ztext:" + deflated);
    CHECK_READS(client_frame(Opcode::Binary, "\xff", true, true) + text("plain"), deflate_config(), "zbinary:\xff|text:plain");
}

TEST_CASE("message size limit: 1009 from the declared length, before buffering") {
    ReaderConfig config;
    config.max_message_size = 30;
    CHECK_READS(binary(std::string(30, 'a')), config, "binary:" + std::string(30, 'a'));
    CHECK_READS(binary(std::string(31, 'a')) + ping("ignored"), config, "error:1009");
    CHECK_READS(binary(std::string(10, 'a'), false) + more(std::string(10, 'b'), false) + more(std::string(10, 'c')), config,
                "binary:" + std::string(10, 'a') + std::string(10, 'b') + std::string(10, 'c'));
    CHECK_READS(binary(std::string(10, 'a'), false) + more(std::string(10, 'b'), false) + more(std::string(11, 'c')), config,
                "error:1009");
    // Control frames do not count towards the limit.
    CHECK_READS(binary(std::string(25, 'a'), false) + ping(std::string(20, 'p')) + more("bcdef"), config,
                "ping:" + std::string(20, 'p') + "|binary:" + std::string(25, 'a') + "bcdef");

    // Reported on the header of the frame that would pass the limit, before any of its payload.
    const std::string first = binary(std::string(20, 'a'), false);
    const std::string second = more(std::string(20, 'b'));
    std::string wire = first + second.substr(0, 6);
    MessageReader reader(config);
    RecordingSink sink;
    reader.feed(wire.data(), wire.size() - 1, sink);
    CHECK(sink.log.empty());
    reader.feed(wire.data() + wire.size() - 1, 1, sink);
    CHECK(sink.log == "error:1009");
}

TEST_CASE("fragment count limit (1009)") {
    ReaderConfig config;
    config.max_fragments = 3;
    CHECK_READS(text("a", false) + more("b", false) + ping("p") + more("c"), config, "ping:p|text:abc");
    CHECK_READS(text("a", false) + more("b", false) + more("c", false) + more("d") + ping("ignored"), config, "error:1009");
    // The count starts again with each message.
    CHECK_READS(text("a", false) + more("b") + text("c", false) + more("d", false) + more("e"), config, "text:ab|text:cde");
}

TEST_CASE("default limits") {
    const ReaderConfig config;
    CHECK(config.role == Role::Server);
    CHECK_FALSE(config.rsv1_allowed);
    CHECK(config.max_message_size == 16u * 1024 * 1024);
    CHECK(config.max_fragments == 1u << 20);
    // Autobahn 9.3.1: 4 MiB in 64-byte fragments.
    std::string autobahn = text(std::string(64, 'a'), false);
    for (int i = 1; i < 65536; ++i) autobahn += more(std::string(64, 'a'), i == 65535);
    CHECK(read_log(autobahn, config, Split::Whole) == "text:<4194304 bytes>");
    // At the bound and one frame past it (whole: a million frames byte by byte would only be slow).
    CHECK(read_log(empty_fragments(1 << 20), config, Split::Whole) == "binary:");
    CHECK(read_log(empty_fragments((1 << 20) + 1) + ping("ignored"), config, Split::Whole) == "error:1009");
}

TEST_CASE("zero copy: a whole message inside the buffer is a view into it") {
    std::string wire = text("Hello") + ping("p") + binary(std::string(300, 'b')) + text("Hel", false) + more("lo");
    MessageReader reader(server_config());
    RecordingSink sink;
    reader.feed(wire.data(), wire.size(), sink);
    REQUIRE(sink.log == "text:Hello|ping:p|binary:<300 bytes>|text:Hello");
    CHECK(sink.payload_pointers[0] == wire.data() + 6);
    CHECK(sink.payload_pointers[1] == wire.data() + 11 + 6);
    CHECK(sink.payload_pointers[2] == wire.data() + 11 + 7 + 8);
    // The fragmented message had to be copied together: it is not in the input buffer.
    const char* assembled = sink.payload_pointers[3];
    CHECK_FALSE((assembled >= wire.data() && assembled < wire.data() + wire.size()));
    // Unmasked in place.
    CHECK(wire.substr(6, 5) == "Hello");
}

TEST_CASE("a frame split across reads is copied, and the next one is in place again") {
    const std::string first = binary("split me");
    std::string wire = first + binary("in place");
    MessageReader reader(server_config());
    RecordingSink sink;
    reader.feed(wire.data(), 4, sink);
    reader.feed(wire.data() + 4, wire.size() - 4, sink);
    REQUIRE(sink.log == "binary:split me|binary:in place");
    CHECK(sink.payload_pointers[1] == wire.data() + first.size() + 6);
}

TEST_CASE("a control frame split byte by byte in the middle of a fragmented message") {
    const std::string first = text("Hel", false);
    const std::string control = ping("12345");
    const std::string last = more("lo");
    std::string wire = first + control + last;
    MessageReader reader(server_config());
    RecordingSink sink;
    reader.feed(wire.data(), first.size(), sink);
    CHECK(sink.log.empty());
    CHECK(reader.holds_partial_state());  // "Hel" waits for the rest of its message
    for (std::size_t i = 0; i < control.size(); ++i) {
        INFO("after byte " << i << " of the ping");
        reader.feed(wire.data() + first.size() + i, 1, sink);
        CHECK(reader.holds_partial_state());
        CHECK(sink.log == (i + 1 < control.size() ? "" : "ping:12345"));
    }
    reader.feed(wire.data() + first.size() + control.size(), last.size(), sink);
    CHECK(sink.log == "ping:12345|text:Hello");
    CHECK_FALSE(reader.holds_partial_state());

    // A Close cut the same way ends the reader and frees what the message had buffered.
    const std::string close = client_frame(Opcode::Close, "\x03\xe8" "bye");
    CHECK_READS(first + close + last, server_config(), "close:\x03\xe8" "bye");
    std::string closing = first + close;
    MessageReader closed(server_config());
    RecordingSink closed_sink;
    feed(closed, closed_sink, closing, Split::Bytewise);
    CHECK(closed_sink.log == "close:\x03\xe8" "bye");
    CHECK(closed.state() == MessageReader::State::Closed);
    CHECK_FALSE(closed.holds_partial_state());
}

TEST_CASE("a header split across reads, then a whole message in one read") {
    // Cut at every place of a 6-byte header (short length) and of a 14-byte one (64-bit length).
    for (const std::string& payload : {std::string("first"), std::string(70000, 'f')}) {
        const std::string first = binary(payload);
        const std::size_t header = first.size() - payload.size();
        const std::string second = text("second, whole");
        for (std::size_t cut = 1; cut < header; ++cut) {
            INFO(header << "-byte header cut after " << cut << " bytes");
            std::string wire = first + second;
            MessageReader reader(server_config());
            RecordingSink sink;
            reader.feed(wire.data(), cut, sink);
            CHECK(sink.log.empty());
            CHECK(reader.holds_partial_state());
            reader.feed(wire.data() + cut, wire.size() - cut, sink);
            REQUIRE(sink.payloads.size() == 2);
            CHECK(sink.payloads[0] == payload);
            CHECK(sink.log.substr(sink.log.find('|')) == "|text:second, whole");
            // Both payloads arrived whole in the second read: both are views into it, unmasked in place.
            CHECK(sink.payload_pointers[0] == wire.data() + header);
            CHECK(sink.payload_pointers[1] == wire.data() + first.size() + 6);
            CHECK_FALSE(reader.holds_partial_state());
        }
    }
}

TEST_CASE("whole messages in one read never touch the partial-read buffers") {
    // The only allocations the reader makes are that buffer and its message string: none here.
    std::string wire = text(std::string(32, 't')) + ping("p") + binary(std::string(300, 'b')) + text("") +
                       client_frame(Opcode::Close, "");
    MessageReader reader(server_config());
    RecordingSink sink;
    sink.probe = &reader;
    reader.feed(wire.data(), wire.size(), sink);
    CHECK(sink.log == "text:" + std::string(32, 't') + "|ping:p|binary:<300 bytes>|text:|close:");
    CHECK(sink.held == "-----");
    CHECK(sink.payload_pointers[0] == wire.data() + 6);
    CHECK_FALSE(reader.holds_partial_state());
}

TEST_CASE("the partial-read buffers are released once nothing is pending") {
    MessageReader reader(server_config());
    RecordingSink sink;
    sink.probe = &reader;
    SUBCASE("a fragmented message: held between fragments, released when it completes") {
        for (int round = 0; round < 2; ++round) {
            std::string wire = text("Hel", false) + more("l", false) + more("o");
            const std::size_t cut1 = text("Hel", false).size();
            const std::size_t cut2 = cut1 + more("l", false).size();
            reader.feed(wire.data(), cut1, sink);
            CHECK(reader.holds_partial_state());
            reader.feed(wire.data() + cut1, cut2 - cut1, sink);
            CHECK(reader.holds_partial_state());
            reader.feed(wire.data() + cut2, wire.size() - cut2, sink);
            CHECK_FALSE(reader.holds_partial_state());
        }
        CHECK(sink.log == "text:Hello|text:Hello");
        CHECK(sink.held == "++");  // the assembled message is read from the buffer
    }
    SUBCASE("one frame split inside its payload") {
        std::string wire = binary(std::string(1000, 'b'));
        reader.feed(wire.data(), 500, sink);
        CHECK(reader.holds_partial_state());
        reader.feed(wire.data() + 500, wire.size() - 500, sink);
        CHECK(sink.log == "binary:<1000 bytes>");
        CHECK_FALSE(reader.holds_partial_state());
    }
    SUBCASE("a big message's buffer is not kept") {
        const std::string big(100000, 'b');
        std::string wire = binary(big.substr(0, 70000), false) + more(big.substr(70000)) + text("next");
        feed(reader, sink, wire, Split::Random);
        CHECK(sink.log == "binary:<100000 bytes>|text:next");
        CHECK(sink.payloads[0] == big);
        CHECK_FALSE(reader.holds_partial_state());
    }
    SUBCASE("a split header alone is held until it completes") {
        std::string wire = ping("p");
        reader.feed(wire.data(), 1, sink);
        CHECK(reader.holds_partial_state());
        reader.feed(wire.data() + 1, wire.size() - 1, sink);
        CHECK(sink.log == "ping:p");
        CHECK_FALSE(reader.holds_partial_state());
    }
    SUBCASE("empty fragments in separate reads need no buffer") {
        std::string wire = text("", false) + more("", false) + more("");
        feed(reader, sink, wire, Split::Whole);
        CHECK(sink.log == "text:");
        const std::string first = text("", false);
        const std::string rest = more("", false) + more("");
        std::string a = first;
        std::string b = rest;
        reader.feed(a.data(), a.size(), sink);
        CHECK_FALSE(reader.holds_partial_state());
        reader.feed(b.data(), b.size(), sink);
        CHECK(sink.log == "text:|text:");
        CHECK_FALSE(reader.holds_partial_state());
    }
    SUBCASE("an error mid-message releases them") {
        std::string wire = text("Hel", false) + server_frame(Opcode::Continuation, "lo");  // unmasked: 1002
        const std::size_t cut = text("Hel", false).size();
        reader.feed(wire.data(), cut, sink);
        CHECK(reader.holds_partial_state());
        reader.feed(wire.data() + cut, wire.size() - cut, sink);
        CHECK(sink.log == "error:1002");
        CHECK_FALSE(reader.holds_partial_state());
    }
}

TEST_CASE("after an error every later byte is ignored") {
    MessageReader reader(server_config());
    RecordingSink sink;
    std::string bad = server_frame(Opcode::Text, "unmasked");
    std::string good = text("good");
    reader.feed(bad.data(), bad.size(), sink);
    reader.feed(good.data(), good.size(), sink);
    CHECK(sink.log == "error:1002");
    CHECK(reader.state() == MessageReader::State::Failed);
}

TEST_CASE("corrupted streams give the same events however they are split") {
    // Valid traffic with a few bytes flipped exercises every error path at every position; the outcome
    // must not depend on where reads happen to end.
    const std::string clean = text("Hel", false) + ping("p") + more("lo \xe2\x82\xac") + binary(std::string(200, 'b')) +
                              client_frame(Opcode::Text, "z", true, true) + text("end");
    std::mt19937 random(6455);
    for (int round = 0; round < 300; ++round) {
        std::string wire = clean;
        for (int flips = 0; flips < 3; ++flips) wire[random() % wire.size()] ^= static_cast<char>(1u << (random() % 8));
        ReaderConfig config;
        config.rsv1_allowed = (round % 2) != 0;
        config.max_message_size = 150 + random() % 100;
        INFO("round " << round);
        const std::string expected = read_log(wire, config, Split::Whole);
        CHECK(read_log(wire, config, Split::Bytewise) == expected);
        CHECK(read_log(wire, config, Split::Random, static_cast<unsigned>(round)) == expected);
    }
}

}  // TEST_SUITE
