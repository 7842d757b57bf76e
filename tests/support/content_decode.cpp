#include "support/content_decode.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <stdexcept>

namespace testing_support {

struct ContentDecoder::State {
    bool brotli = false;
    z_stream z{};
    BrotliDecoderState* br = nullptr;
    ~State() {
        if (brotli) BrotliDecoderDestroyInstance(br);
        else inflateEnd(&z);
    }
};

ContentDecoder::ContentDecoder(std::string_view coding) : state_(std::make_unique<State>()) {
    if (coding == "br") {
        state_->brotli = true;
        state_->br = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
        return;
    }
    if (coding != "gzip" && coding != "deflate") throw std::invalid_argument("unknown coding");
    if (inflateInit2(&state_->z, coding == "gzip" ? 31 : 15) != Z_OK) throw std::runtime_error("inflateInit2");
}

ContentDecoder::~ContentDecoder() = default;

bool ContentDecoder::feed(std::string_view coded, std::string& out) {
    char buf[16384];
    if (state_->brotli) {
        auto next_in = reinterpret_cast<const std::uint8_t*>(coded.data());
        std::size_t avail_in = coded.size();
        for (;;) {
            auto next_out = reinterpret_cast<std::uint8_t*>(buf);
            std::size_t avail_out = sizeof buf;
            const BrotliDecoderResult r =
                BrotliDecoderDecompressStream(state_->br, &avail_in, &next_in, &avail_out, &next_out, nullptr);
            out.append(buf, sizeof buf - avail_out);
            if (r == BROTLI_DECODER_RESULT_ERROR) return false;
            if (r == BROTLI_DECODER_RESULT_SUCCESS) {
                finished_ = true;
                return avail_in == 0;
            }
            // A full buffer can come back as "needs more input" with output still pending: go round again then.
            if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && avail_out > 0) return true;
        }
    }
    z_stream& z = state_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(coded.data()));
    z.avail_in = static_cast<uInt>(coded.size());
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        const int rc = inflate(&z, Z_SYNC_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
        if (rc == Z_STREAM_END) {
            finished_ = true;
            return z.avail_in == 0;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0) return true;  // everything taken, nothing more to give
        if (rc != Z_OK) return false;
        if (z.avail_in == 0 && z.avail_out > 0) return true;
    }
}

std::optional<std::string> decode_body(std::string_view coding, std::string_view coded) {
    ContentDecoder d(coding);
    std::string out;
    if (!d.feed(coded, out) || !d.finished()) return std::nullopt;
    return out;
}

}  // namespace testing_support
