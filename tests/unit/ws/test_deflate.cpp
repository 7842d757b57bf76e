#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <zlib.h>

#include "ws/deflate.h"

using namespace duplex::detail::ws;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
    std::string out;
    for (const unsigned v : values) out += static_cast<char>(v);
    return out;
}

// RFC 7692 7.2.3.1 and 7.2.3.2: "Hello", then "Hello" again using the shared LZ77 window.
const std::string kHello = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
const std::string kHelloAgain = bytes({0xf2, 0x00, 0x11, 0x00, 0x00});

// Varied text that compresses but not trivially: the seed changes the content.
std::string sample_text(std::size_t size, unsigned seed) {
    static const char* const words[] = {"duplex ", "socket ", "frame ", "deflate ", "window ", "message ", "loop "};
    std::string out;
    unsigned state = seed * 2654435761u + 1;
    while (out.size() < size) {
        state = state * 1103515245u + 12345u;
        out += words[(state >> 16) % 7];
        if ((state >> 8) % 5 == 0) out += std::to_string(state % 1000);
    }
    out.resize(size);
    return out;
}

// Raw DEFLATE of `input` by plain zlib, ended with `flush` (Z_SYNC_FLUSH keeps the 00 00 ff ff tail), with an
// optional history the stream may refer back into.
std::string zlib_compress(std::string input, int flush, std::string history = {}) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    if (!history.empty())
        deflateSetDictionary(&z, reinterpret_cast<Bytef*>(history.data()), static_cast<uInt>(history.size()));
    std::string c(input.size() + 256, '\0');
    z.next_in = reinterpret_cast<Bytef*>(input.data());
    z.avail_in = static_cast<uInt>(input.size());
    z.next_out = reinterpret_cast<Bytef*>(c.data());
    z.avail_out = static_cast<uInt>(c.size());
    const int rc = deflate(&z, flush);
    CHECK((rc == Z_OK || rc == Z_STREAM_END));
    c.resize(c.size() - z.avail_out);
    deflateEnd(&z);
    return c;
}

std::string compress(Deflater& d, std::string_view message) {
    std::string out;
    REQUIRE(d.deflate(message, out));
    return out;
}

std::string decompress(Inflater& i, std::string_view compressed, std::size_t max_out = 1 << 26) {
    std::string out;
    REQUIRE(i.inflate(compressed, out, max_out) == InflateResult::Ok);
    return out;
}

// Inflates with plain zlib at exactly `window_bits`, to prove a stream never reaches further back than agreed.
bool inflates_with_window(std::string_view compressed, int window_bits, std::string_view expected) {
    z_stream z{};
    if (inflateInit2(&z, -window_bits) != Z_OK) return false;
    std::string input(compressed);
    input += bytes({0x00, 0x00, 0xff, 0xff});
    std::string out(expected.size() + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(input.data());
    z.avail_in = static_cast<uInt>(input.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    inflateEnd(&z);
    return rc == Z_OK && out == expected;
}

}  // namespace

TEST_SUITE("ws.deflate") {
    TEST_CASE("RFC 7692 7.2.3.1: a compressed Hello inflates to Hello") {
        Inflater inflater(15, false);
        CHECK(decompress(inflater, kHello) == "Hello");
    }

    TEST_CASE("RFC 7692 7.2.3.2: the second Hello reuses the first one's window") {
        Inflater inflater(15, false);
        CHECK(decompress(inflater, kHello) == "Hello");
        CHECK(decompress(inflater, kHelloAgain) == "Hello");
    }

    TEST_CASE("the deflater produces the RFC 7692 bytes, with and without context takeover") {
        Deflater shared(15, false);
        CHECK(compress(shared, "Hello") == kHello);
        CHECK(compress(shared, "Hello") == kHelloAgain);
        Deflater reset(15, true);
        CHECK(compress(reset, "Hello") == kHello);
        CHECK(compress(reset, "Hello") == kHello);
    }

    TEST_CASE("compressed output is appended after existing bytes") {
        Deflater d(15, false);
        std::string out = "header";
        REQUIRE(d.deflate("Hello", out));
        CHECK(out == "header" + kHello);
        Inflater i(15, false);
        std::string text = "text:";
        CHECK(i.inflate(out.substr(6), text, 100) == InflateResult::Ok);
        CHECK(text == "text:Hello");
    }

    TEST_CASE("round trips over many messages, with and without context takeover") {
        for (const bool no_takeover : {false, true}) {
            for (const int bits : {8, 9, 12, 15}) {
                CAPTURE(no_takeover);
                CAPTURE(bits);
                Deflater d(static_cast<std::uint8_t>(bits), no_takeover);
                Inflater i(static_cast<std::uint8_t>(bits), no_takeover);
                std::size_t total_compressed = 0;
                for (unsigned m = 0; m < 20; ++m) {
                    const std::string message = sample_text(m * 997 % 70000, m % 3);
                    const std::string c = compress(d, message);
                    total_compressed += c.size();
                    // Without shared context each message stands alone, decodable at exactly the agreed window.
                    if (no_takeover || m == 0) CHECK(inflates_with_window(c, bits, message));
                    CHECK(decompress(i, c) == message);
                }
                CHECK(total_compressed > 0);
            }
        }
    }

    TEST_CASE("window bits 8 stays within a 256-byte window") {
        // Repeats 300 bytes apart would tempt a 512-byte window; a strict 256-byte inflater must still decode.
        std::string message = sample_text(300, 7);
        message += message;
        message += std::string(1000, 'z');
        Deflater d(8, true);
        const std::string c = compress(d, message);
        CHECK(inflates_with_window(c, 8, message));
        CHECK(c.size() < message.size());  // the run of 'z' still compresses
    }

    TEST_CASE("a message may be inflated in pieces, one byte at a time") {
        Deflater d(15, false);
        Inflater whole(15, false);
        Inflater pieces(15, false);
        for (unsigned m = 0; m < 3; ++m) {
            const std::string message = sample_text(5000 + m, m);
            const std::string c = compress(d, message);
            std::string out;
            for (const char byte : c) {
                REQUIRE(pieces.inflate(std::string_view(&byte, 1), out, 1 << 20, false) == InflateResult::Ok);
            }
            REQUIRE(pieces.inflate({}, out, 1 << 20, true) == InflateResult::Ok);
            CHECK(out == message);
            CHECK(decompress(whole, c) == message);
        }
    }

    TEST_CASE("a message split into frames, the last piece carrying data") {
        Deflater d(15, true);
        Inflater i(15, true);
        const std::string message = sample_text(40000, 3);
        const std::string c = compress(d, message);
        std::string out;
        const std::size_t cut = c.size() / 3;
        REQUIRE(i.inflate(c.substr(0, cut), out, 1 << 20, false) == InflateResult::Ok);
        REQUIRE(i.inflate(c.substr(cut, cut), out, 1 << 20, false) == InflateResult::Ok);
        REQUIRE(i.inflate(c.substr(2 * cut), out, 1 << 20, true) == InflateResult::Ok);
        CHECK(out == message);
    }

    TEST_CASE("empty messages") {
        Deflater d(15, false);
        const std::string c = compress(d, "");
        CHECK(c == bytes({0x00}));
        Inflater i(15, false);
        CHECK(decompress(i, c).empty());
        CHECK(decompress(i, "").empty());  // an empty payload is an empty message, not a truncated stream
        CHECK(decompress(i, kHello) == "Hello");
        CHECK(decompress(i, compress(d, "Hello")) == "Hello");
    }

    TEST_CASE("a zip bomb stops at max_out") {
        Deflater d(15, true);
        const std::string zeros(10 << 20, '\0');
        const std::string bomb = compress(d, zeros);
        CHECK(bomb.size() < 20 * 1024);

        Inflater i(15, true);
        std::string out;
        CHECK(i.inflate(bomb, out, 64 * 1024) == InflateResult::TooBig);
        CHECK(out.size() <= 64 * 1024);
        CHECK(out.capacity() < 256 * 1024);  // memory stayed near the limit, not near 10 MiB

        // Exactly at the limit is fine, one byte below is not; the stream recovers for the next message.
        out.clear();
        CHECK(i.inflate(bomb, out, zeros.size()) == InflateResult::Ok);
        CHECK(out == zeros);
        out.clear();
        CHECK(i.inflate(bomb, out, zeros.size() - 1) == InflateResult::TooBig);
        CHECK(out.size() == zeros.size() - 1);
        CHECK(decompress(i, kHello) == "Hello");
    }

    TEST_CASE("max_out counts what out already holds, across the pieces of a message") {
        Inflater i(15, false);
        std::string out = "123";
        CHECK(i.inflate(kHello, out, 7) == InflateResult::TooBig);
        CHECK(out.size() <= 7);
        Inflater j(15, false);
        out = "123";
        CHECK(j.inflate(kHello, out, 8) == InflateResult::Ok);
        CHECK(out == "123Hello");
    }

    TEST_CASE("corrupt input is reported") {
        Inflater i(15, false);
        std::string out;
        CHECK(i.inflate(bytes({0xff, 0xff, 0xff, 0xff}), out, 1000) == InflateResult::Corrupt);
        // A distance reaching before the start of the stream.
        Inflater fresh(15, false);
        out.clear();
        CHECK(fresh.inflate(kHelloAgain, out, 1000) == InflateResult::Corrupt);
        CHECK(decompress(fresh, kHello) == "Hello");  // the stream was reset
    }

    TEST_CASE("a message ending with a BFINAL block is accepted and the stream restarts") {
        // Some senders finish each message with a final block instead of a sync flush (RFC 7692 7.2.3.4).
        const std::string input = "Hello, final block";
        const std::string c = zlib_compress(input, Z_FINISH);
        Inflater i(15, false);
        CHECK(decompress(i, c) == input);
        CHECK(decompress(i, kHello) == "Hello");
        std::string out;
        CHECK(i.inflate(c + "junk", out, 1000) == InflateResult::Corrupt);  // bytes after the final block
    }

    TEST_CASE("after a BFINAL message, the next one may still refer back into it (context takeover)") {
        const std::string first = "a message the next one repeats: " + sample_text(2000, 7);
        const std::string second = sample_text(2000, 7) + " and a little more";
        // The second message as a sender keeping the window would make it: compressed with the first as history.
        const std::string c2 = zlib_compress(second, Z_SYNC_FLUSH, first);
        REQUIRE(c2.ends_with(bytes({0x00, 0x00, 0xff, 0xff})));
        REQUIRE(c2.size() < 200);  // it does refer back
        const std::string tail_removed = c2.substr(0, c2.size() - 4);

        Inflater i(15, false);
        CHECK(decompress(i, zlib_compress(first, Z_FINISH)) == first);
        CHECK(decompress(i, tail_removed) == second);
        // Without context takeover there is no window to refer to.
        Inflater fresh(15, true);
        CHECK(decompress(fresh, zlib_compress(first, Z_FINISH)) == first);
        std::string out;
        CHECK(fresh.inflate(tail_removed, out, 1 << 20) == InflateResult::Corrupt);
    }

    TEST_CASE("a message cut inside a block is corrupt, and the next message is read afresh") {
        Inflater i(15, false);
        std::string out;
        // A stored block announcing 10 bytes that carries 5: the tail would be taken as 4 more of them.
        CHECK(i.inflate(bytes({0x00, 0x0a, 0x00, 0xf5, 0xff, '0', '1', '2', '3', '4'}), out, 1000) ==
              InflateResult::Corrupt);
        CHECK(decompress(i, kHello) == "Hello");
        // A compressed stream cut before its flush. About one cut in ten is a valid stream by chance: in a dynamic
        // block the tail's zero bits decode as the commonest symbol and its one bits often as the end of block (the
        // rarest code, hence the longest, all ones). No receiver can tell those apart; the others must be caught.
        const std::string whole = zlib_compress(sample_text(3000, 3), Z_SYNC_FLUSH);
        int cuts = 0, caught = 0;
        for (std::size_t cut = 1; cut + 5 < whole.size(); ++cut, ++cuts) {
            Inflater j(15, false);
            out.clear();
            caught += j.inflate(std::string_view(whole).substr(0, cut), out, 1 << 20) == InflateResult::Corrupt;
        }
        CHECK(caught >= cuts * 85 / 100);
        // A complete empty stored block left on (the sender did not remove the tail): the appended tail then
        // starts another block it cannot finish.
        Inflater k(15, false);
        out.clear();
        CHECK(k.inflate(bytes({0x00, 0x00, 0x00, 0xff, 0xff}), out, 1000) == InflateResult::Corrupt);
    }

    TEST_CASE("streams survive a move and small memLevels work") {
        Deflater d(15, false, 1);
        Inflater i(15, false);
        CHECK(decompress(i, compress(d, "Hello")) == "Hello");
        Deflater moved_d = std::move(d);
        Inflater moved_i = std::move(i);
        const std::string message = sample_text(3000, 1);
        CHECK(decompress(moved_i, compress(moved_d, message)) == message);
    }

    TEST_CASE("make_deflate_streams gives each role the parameters of its direction") {
        DeflateParams params;
        params.server_no_context_takeover = true;
        params.client_max_window_bits = 9;
        DeflateStreams server = make_deflate_streams(params, Role::Server);
        DeflateStreams client = make_deflate_streams(params, Role::Client);
        // The server resets its context per message; the client keeps its own.
        CHECK(compress(server.deflater, "Hello") == kHello);
        CHECK(compress(server.deflater, "Hello") == kHello);
        CHECK(compress(client.deflater, "Hello") == kHello);
        CHECK(compress(client.deflater, "Hello") == kHelloAgain);
        // The client compresses within its 9-bit window, which the server inflates.
        const std::string message = sample_text(20000, 5);
        const std::string c = compress(client.deflater, message);
        CHECK(decompress(server.inflater, kHello) == "Hello");
        CHECK(decompress(server.inflater, kHelloAgain) == "Hello");
        CHECK(decompress(server.inflater, c) == message);
        CHECK(decompress(client.inflater, compress(server.deflater, message)) == message);
    }
}
