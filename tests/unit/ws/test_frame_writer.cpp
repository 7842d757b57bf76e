#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "ws/frame_writer.h"
#include "ws/masking.h"

using namespace duplex::detail::ws;

namespace {

const MaskKey rfc_key{0x37, 0xfa, 0x21, 0x3d};

std::string bytes(std::initializer_list<unsigned> values) {
    std::string out;
    for (unsigned v : values) out.push_back(static_cast<char>(v));
    return out;
}

std::string header(Opcode opcode, std::uint64_t size, bool fin = true, bool rsv1 = false, const MaskKey* mask = nullptr) {
    std::string out;
    append_frame_header(out, opcode, size, fin, rsv1, mask);
    return out;
}

// Masking written the obvious way, byte by byte, to compare the word-at-a-time code against.
std::string naive_mask(const std::string& payload, const MaskKey& key, std::size_t phase) {
    std::string out = payload;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(out[i] ^ key[(phase + i) % 4]);
    return out;
}

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string out(size, '\0');
    for (char& c : out) c = static_cast<char>(random() & 0xFF);
    return out;
}

}  // namespace

TEST_SUITE("ws.frame_writer") {

TEST_CASE("RFC 6455 5.7 examples, byte for byte") {
    std::string out;
    append_frame(out, Opcode::Text, "Hello", true, false, nullptr);
    CHECK(out == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));

    out.clear();
    append_frame(out, Opcode::Text, "Hello", true, false, &rfc_key);
    CHECK(out == bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));

    out.clear();
    append_frame(out, Opcode::Text, "Hel", false, false, nullptr);
    append_frame(out, Opcode::Continuation, "lo", true, false, nullptr);
    CHECK(out == bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));

    out.clear();
    append_frame(out, Opcode::Ping, "Hello", true, false, nullptr);
    CHECK(out == bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));

    out.clear();
    append_frame(out, Opcode::Pong, "Hello", true, false, &rfc_key);
    CHECK(out == bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));

    CHECK(header(Opcode::Binary, 256) == bytes({0x82, 0x7e, 0x01, 0x00}));
    CHECK(header(Opcode::Binary, 65536) == bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST_CASE("length encodings at every boundary") {
    CHECK(header(Opcode::Binary, 0) == bytes({0x82, 0}));
    CHECK(header(Opcode::Binary, 125) == bytes({0x82, 125}));
    CHECK(header(Opcode::Binary, 126) == bytes({0x82, 126, 0x00, 0x7e}));
    CHECK(header(Opcode::Binary, 65535) == bytes({0x82, 126, 0xff, 0xff}));
    CHECK(header(Opcode::Binary, 65536) == bytes({0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
    CHECK(header(Opcode::Binary, 0x0102030405060708ULL) == bytes({0x82, 127, 1, 2, 3, 4, 5, 6, 7, 8}));
    CHECK(header(Opcode::Binary, 0x7fffffffffffffffULL) ==
          bytes({0x82, 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));

    for (std::uint64_t size : {0ULL, 125ULL, 126ULL, 65535ULL, 65536ULL, 1ULL << 40}) {
        CHECK(frame_header_size(size, false) == header(Opcode::Binary, size).size());
        CHECK(frame_header_size(size, true) == header(Opcode::Binary, size, true, false, &rfc_key).size());
    }
    CHECK(frame_header_size(1ULL << 40, true) == max_frame_header_size);
}

TEST_CASE("FIN, RSV1 and the mask key land in the right bits") {
    CHECK(header(Opcode::Text, 3, false, false) == bytes({0x01, 3}));
    CHECK(header(Opcode::Text, 3, true, true) == bytes({0xc1, 3}));
    CHECK(header(Opcode::Continuation, 3, false, false) == bytes({0x00, 3}));
    CHECK(header(Opcode::Close, 2) == bytes({0x88, 2}));
    CHECK(header(Opcode::Binary, 300, true, false, &rfc_key) == bytes({0x82, 0xfe, 0x01, 0x2c, 0x37, 0xfa, 0x21, 0x3d}));
}

TEST_CASE("masked frames carry the payload XORed with the key, at every length") {
    for (std::size_t size : {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 125, 126, 1000, 65535, 65536}) {
        INFO("payload of " << size << " bytes");
        const std::string payload = random_bytes(size, static_cast<unsigned>(size));
        std::string out = "prefix";
        append_frame(out, Opcode::Binary, payload, true, false, &rfc_key);
        const std::string head = header(Opcode::Binary, size, true, false, &rfc_key);
        REQUIRE(out.size() == 6 + head.size() + size);
        CHECK(out.substr(0, 6) == "prefix");
        CHECK(out.substr(6, head.size()) == head);
        CHECK(out.substr(6 + head.size()) == naive_mask(payload, rfc_key, 0));

        std::string plain;
        append_frame(plain, Opcode::Binary, payload, true, false, nullptr);
        CHECK(plain == header(Opcode::Binary, size) + payload);
    }
}

TEST_CASE("apply_mask chains its phase across pieces and works in place") {
    const std::string payload = random_bytes(103, 7);
    for (std::size_t phase = 0; phase < 4; ++phase) {
        std::string copy(payload.size(), '\0');
        CHECK(apply_mask(copy.data(), payload.data(), payload.size(), rfc_key, phase) == (phase + 103) % 4);
        CHECK(copy == naive_mask(payload, rfc_key, phase));
    }
    std::mt19937 random(6455);
    for (int round = 0; round < 50; ++round) {
        std::string in_place = payload;
        std::size_t pos = 0;
        std::size_t phase = 0;
        while (pos < in_place.size()) {
            const std::size_t piece = std::min<std::size_t>(in_place.size() - pos, random() % 20);
            phase = apply_mask(in_place.data() + pos, in_place.data() + pos, piece, rfc_key, phase);
            pos += piece;
        }
        CHECK(in_place == naive_mask(payload, rfc_key, 0));
    }
}

}  // TEST_SUITE

TEST_CASE("no control frame ever carries RSV1, whatever the caller asks (RFC 7692 6.1)") {
    // Every control payload size a frame can carry, both roles, RSV1 asked for: the bit never appears, while a
    // data frame keeps it (it means "compressed" there).
    for (Opcode op : {Opcode::Ping, Opcode::Pong, Opcode::Close}) {
        for (std::size_t size = 0; size <= 125; ++size) {
            for (const MaskKey* mask : {static_cast<const MaskKey*>(nullptr), &rfc_key}) {
                std::string frame;
                append_frame(frame, op, std::string(size, 'c'), true, true, mask);
                CAPTURE(size);
                CHECK((static_cast<unsigned char>(frame[0]) & 0x70) == 0);
                CHECK((static_cast<unsigned char>(frame[0]) & 0x0F) == static_cast<unsigned>(op));
                CHECK(header(op, size, true, true, mask)[0] == frame[0]);
            }
        }
    }
    for (Opcode op : {Opcode::Text, Opcode::Binary, Opcode::Continuation})
        CHECK((static_cast<unsigned char>(header(op, 200, true, true)[0]) & 0x40) == 0x40);
}
