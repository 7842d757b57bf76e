// Fuzz target: the permessage-deflate streams (Inflater, Deflater) of ws/deflate.h.
// Input layout (FuzzedDataProvider): the last byte picks window bits, context takeover and memLevel, the two before
// it the output bound, the next one the number of cut points (0-7) and two bytes per cut point; the rest is data.
// First the data, cut into pieces, is inflated as garbage (a piece's low bit of its cut selector says whether it
// ends a message): the output never exceeds max_out, zlib's internal errors never show, a failed message stops the
// stream. Then the data, cut into messages, goes through Deflater and back through Inflater, with an output bound
// of exactly the message size, sometimes with the compressed bytes split in two: each message comes back equal.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "ws/deflate.h"

namespace {

using namespace duplex::detail::ws;

struct Config {
    std::uint8_t window_bits;
    bool no_context_takeover;
    int mem_level;
};

struct Piece {
    std::string_view bytes;
    bool flag;  // garbage run: ends a message; round trip: split the compressed bytes in two
};

void inflate_garbage(const Config& config, std::size_t max_out, const std::vector<Piece>& pieces) {
    Inflater inflater(config.window_bits, config.no_context_takeover);
    std::string out;
    for (const Piece& piece : pieces) {
        const InflateResult result = inflater.inflate(piece.bytes, out, max_out, piece.flag);
        FUZZ_CHECK(out.size() <= max_out);
        FUZZ_CHECK(result != InflateResult::InternalError);
        if (result != InflateResult::Ok) return;  // the connection closes
        if (piece.flag) out.clear();
    }
}

void round_trip(const Config& config, const std::vector<Piece>& messages) {
    Deflater deflater(config.window_bits, config.no_context_takeover, config.mem_level);
    Inflater inflater(config.window_bits, config.no_context_takeover);
    for (const Piece& message : messages) {
        std::string compressed;
        FUZZ_CHECK(deflater.deflate(message.bytes, compressed));
        std::string out;
        const std::string_view all(compressed);
        const std::size_t half = message.flag ? all.size() / 2 : all.size();
        FUZZ_CHECK(inflater.inflate(all.substr(0, half), out, message.bytes.size(), false) == InflateResult::Ok);
        FUZZ_CHECK(inflater.inflate(all.substr(half), out, message.bytes.size(), true) == InflateResult::Ok);
        FUZZ_CHECK(out == message.bytes);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const auto bits = provider.ConsumeIntegral<std::uint8_t>();
    const Config config{static_cast<std::uint8_t>(8 + bits % 8), (bits & 8) != 0, 1 + (bits >> 4) % 9};
    const std::size_t max_out = provider.ConsumeIntegral<std::uint16_t>();
    const std::size_t cut_count = provider.ConsumeIntegral<std::uint8_t>() % 8;
    std::vector<std::uint16_t> selectors;
    for (std::size_t i = 0; i < cut_count; ++i) selectors.push_back(provider.ConsumeIntegral<std::uint16_t>());
    const std::string bytes = provider.ConsumeRemainingBytesAsString();

    // Cut points in order; each piece's flag comes from the selector that ends it (the last piece always ends).
    std::vector<std::pair<std::size_t, bool>> cuts;
    for (const std::uint16_t s : selectors) cuts.emplace_back((s >> 1) % (bytes.size() + 1), (s & 1) != 0);
    std::sort(cuts.begin(), cuts.end());
    cuts.emplace_back(bytes.size(), true);
    std::vector<Piece> pieces;
    std::size_t from = 0;
    for (const auto& [to, flag] : cuts) {
        pieces.push_back({std::string_view(bytes).substr(from, to - from), flag});
        from = to;
    }

    inflate_garbage(config, max_out, pieces);
    round_trip(config, pieces);
    return 0;
}
