#include "middleware/content_encoder.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cstdint>

namespace duplex::detail {

namespace {

// A streamed answer's brotli coder: quality 1 with a 64 KiB window holds about 390 KiB (measured in
// test_compression.cpp), near zlib's 262 KiB; quality 4 with 256 KiB would hold 2 MiB per stream.
constexpr int kBrotliStreamWindow = 16;
constexpr int kBrotliStreamQuality = 1;

int zlib_window_bits(Coding coding) { return coding == Coding::Gzip ? 15 + 16 : 15; }  // +16: gzip wrapper
int zlib_level(int level) { return level < 0 ? 6 : level > 9 ? 9 : level; }

// Runs deflate over `in` until zlib has taken it all and has no more output for `flush`.
bool deflate_into(z_stream& z, std::string_view in, int flush, std::string& out) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    for (;;) {
        const std::size_t room = in.size() / 2 + 1024;
        const std::size_t old = out.size();
        out.resize(old + room);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
        z.avail_out = static_cast<uInt>(room);
        const int rc = deflate(&z, flush);
        out.resize(old + room - z.avail_out);
        if (rc == Z_STREAM_ERROR) return false;
        if (rc == Z_STREAM_END) return true;
        if (z.avail_out != 0 && z.avail_in == 0) return true;  // all taken, all flushed
    }
}

class ZlibEncoder final : public ContentEncoder {
public:
    // Initialised in place: zlib's state points back at its z_stream, which therefore never moves.
    ZlibEncoder(Coding coding, int level)
        : ok_(deflateInit2(&z_, zlib_level(level), Z_DEFLATED, zlib_window_bits(coding), 8, Z_DEFAULT_STRATEGY) ==
              Z_OK) {}
    ~ZlibEncoder() override {
        if (ok_) deflateEnd(&z_);
    }
    bool ok() const { return ok_; }
    ZlibEncoder(const ZlibEncoder&) = delete;
    ZlibEncoder& operator=(const ZlibEncoder&) = delete;

    bool encode(std::string_view in, bool last, std::string& out) override {
        return deflate_into(z_, in, last ? Z_FINISH : Z_SYNC_FLUSH, out);
    }

private:
    z_stream z_{};
    bool ok_;
};

class BrotliEncoder final : public ContentEncoder {
public:
    explicit BrotliEncoder(BrotliEncoderState* s) : s_(s) {}
    ~BrotliEncoder() override { BrotliEncoderDestroyInstance(s_); }
    BrotliEncoder(const BrotliEncoder&) = delete;
    BrotliEncoder& operator=(const BrotliEncoder&) = delete;

    bool encode(std::string_view in, bool last, std::string& out) override {
        auto next_in = reinterpret_cast<const std::uint8_t*>(in.data());
        std::size_t avail_in = in.size();
        const BrotliEncoderOperation op = last ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_FLUSH;
        // Room must be given: a flush completes only once the encoder has been able to write its last bytes,
        // so the loop ends when a call left room unused with all input taken (as deflate_into does).
        for (;;) {
            const std::size_t room = in.size() / 2 + 1024;
            const std::size_t old = out.size();
            out.resize(old + room);
            std::size_t avail_out = room;
            auto next_out = reinterpret_cast<std::uint8_t*>(out.data() + old);
            const bool ok = BrotliEncoderCompressStream(s_, op, &avail_in, &next_in, &avail_out, &next_out, nullptr);
            out.resize(old + room - avail_out);
            if (!ok) return false;
            const bool drained = avail_in == 0 && avail_out > 0 && !BrotliEncoderHasMoreOutput(s_);
            if (drained && (!last || BrotliEncoderIsFinished(s_))) break;
        }
        return true;
    }

private:
    BrotliEncoderState* s_;
};

}  // namespace

std::unique_ptr<ContentEncoder> ContentEncoder::make(Coding coding, int level) {
    if (coding == Coding::Gzip || coding == Coding::Deflate) {
        auto encoder = std::make_unique<ZlibEncoder>(coding, level);
        if (!encoder->ok()) return nullptr;
        return encoder;
    }
    if (coding == Coding::Brotli) {
        BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
        if (!s) return nullptr;
        const int quality = level < 0 ? kBrotliStreamQuality : level > 11 ? 11 : level;
        BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, static_cast<std::uint32_t>(quality));
        BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, kBrotliStreamWindow);
        return std::make_unique<BrotliEncoder>(s);
    }
    return nullptr;
}

bool encode_whole(Coding coding, int level, std::string_view in, std::string& out) {
    if (coding == Coding::Brotli) {
        const std::size_t old = out.size();
        std::size_t n = BrotliEncoderMaxCompressedSize(in.size());
        out.resize(old + n);
        const int quality = level < 0 ? 5 : level > 11 ? 11 : level;
        const bool ok = BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                                              reinterpret_cast<const std::uint8_t*>(in.data()), &n,
                                              reinterpret_cast<std::uint8_t*>(out.data() + old)) == BROTLI_TRUE;
        out.resize(ok ? old + n : old);
        return ok;
    }
    if (coding != Coding::Gzip && coding != Coding::Deflate) return false;
    // One stream per thread, coding and level, reset between bodies: deflateInit2 allocates about 256 KiB.
    struct Cached {
        z_stream z{};
        int level = -2;
        bool ready = false;
        ~Cached() {
            if (ready) deflateEnd(&z);
        }
    };
    thread_local Cached streams[2];
    Cached& c = streams[coding == Coding::Gzip ? 0 : 1];
    const int lvl = zlib_level(level);
    if (c.ready && c.level != lvl) {
        deflateEnd(&c.z);
        c.ready = false;
    }
    if (!c.ready) {
        c.z = z_stream{};
        if (deflateInit2(&c.z, lvl, Z_DEFLATED, zlib_window_bits(coding), 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
        c.ready = true;
        c.level = lvl;
    } else if (deflateReset(&c.z) != Z_OK) {
        return false;
    }
    out.reserve(out.size() + deflateBound(&c.z, static_cast<uLong>(in.size())));
    return deflate_into(c.z, in, Z_FINISH, out);
}

}  // namespace duplex::detail
