#include "support/ws_zlib.h"

#include <vector>

namespace testing_support {

namespace {

constexpr std::string_view kTail("\x00\x00\xFF\xFF", 4);

// Runs deflate over `in` with `flush`, appending everything produced to out.
void deflate_all(z_stream& z, std::string_view in, int flush, std::string& out) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[16384];
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        ::deflate(&z, flush);
        out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
}

std::string strip_tail(std::string s) {
    if (s.size() >= 4 && std::string_view(s).substr(s.size() - 4) == kTail) s.resize(s.size() - 4);
    return s;
}

}  // namespace

RawDeflater::RawDeflater(int window_bits, bool context_takeover) : takeover_(context_takeover) {
    deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY);
}

RawDeflater::~RawDeflater() { deflateEnd(&z_); }

std::string RawDeflater::compress(std::string_view message) {
    std::string out;
    deflate_all(z_, message, Z_SYNC_FLUSH, out);
    if (!takeover_) deflateReset(&z_);
    return strip_tail(std::move(out));
}

RawInflater::RawInflater(int window_bits) { inflateInit2(&z_, -window_bits); }

RawInflater::~RawInflater() { inflateEnd(&z_); }

std::optional<std::string> RawInflater::inflate(std::string_view payload) {
    std::string in(payload);
    in.append(kTail);
    z_.next_in = reinterpret_cast<Bytef*>(in.data());
    z_.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[16384];
    for (;;) {
        z_.next_out = reinterpret_cast<Bytef*>(buf);
        z_.avail_out = sizeof buf;
        const int rc = ::inflate(&z_, Z_SYNC_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) return std::nullopt;
        out.append(buf, sizeof buf - z_.avail_out);
        if (rc == Z_STREAM_END || (z_.avail_in == 0 && z_.avail_out != 0)) break;
        if (rc == Z_BUF_ERROR) return std::nullopt;  // no progress although there is room: bad input
    }
    return out;
}

std::string deflate_bomb(std::size_t inflated_bytes) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_RLE);
    const std::vector<char> zeros(1 << 20, 0);
    std::string out;
    for (std::size_t left = inflated_bytes; left > 0;) {
        const std::size_t n = std::min(left, zeros.size());
        left -= n;
        deflate_all(z, std::string_view(zeros.data(), n), left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH, out);
    }
    deflateEnd(&z);
    return strip_tail(std::move(out));
}

}  // namespace testing_support
