// Fuzz target: the Accept-Encoding parser and the negotiation (middleware/accept_encoding.h). The first byte seeds the
// cut points; the rest is the header value. The value parsed whole, byte by byte and in pieces gives one answer;
// weights stay within -1..1000; the coding chosen is one the client weighed above zero (or identity), and an
// invalid value always means identity.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "middleware/accept_encoding.h"

using namespace duplex::detail;

namespace {

bool same(const AcceptedCodings& a, const AcceptedCodings& b) {
    return a.present == b.present && a.valid == b.valid && a.gzip == b.gzip && a.deflate == b.deflate &&
           a.br == b.br && a.identity == b.identity && a.any == b.any;
}

std::int16_t weight_of(const AcceptedCodings& a, Coding c) {
    const std::int16_t listed = c == Coding::Gzip ? a.gzip : c == Coding::Deflate ? a.deflate : a.br;
    return listed >= 0 ? listed : a.any;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    unsigned seed = data[0];
    const std::string_view value(reinterpret_cast<const char*>(data + 1), size - 1);

    const AcceptedCodings whole = parse_accept_encoding(value);
    AcceptEncodingParser bytewise;
    for (const char c : value) bytewise.feed(std::string_view(&c, 1));
    FUZZ_CHECK(same(bytewise.finish(), whole));
    AcceptEncodingParser pieces;
    for (std::size_t at = 0; at < value.size();) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t n = (seed >> 16) % (value.size() - at + 1);
        pieces.feed(value.substr(at, n));
        at += n;
    }
    FUZZ_CHECK(same(pieces.finish(), whole));

    for (const std::int16_t w : {whole.gzip, whole.deflate, whole.br, whole.identity, whole.any})
        FUZZ_CHECK(w >= -1 && w <= 1000);
    for (const CodingOffer offer : {CodingOffer{}, CodingOffer{.br = false}, CodingOffer{false, false, true}}) {
        const Coding chosen = negotiate(whole, offer);
        if (!whole.valid) FUZZ_CHECK(chosen == Coding::Identity);
        if (chosen != Coding::Identity) {
            FUZZ_CHECK(weight_of(whole, chosen) > 0);
            FUZZ_CHECK(chosen != Coding::Brotli || offer.br);
        }
    }
    return 0;
}
