#include "ws/deflate.h"

#include <algorithm>
#include <climits>

#include <zlib.h>

namespace duplex::detail::ws {
namespace {

// RFC 7692 7.2.2: the empty stored block a Z_SYNC_FLUSH ends with, removed by senders and restored by receivers.
constexpr std::string_view kFlushTail("\x00\x00\xff\xff", 4);
// Output is grown by at most this much per zlib call, which bounds overshoot past any limit.
constexpr std::size_t kInflateStep = 16 * 1024;
// zlib counts in uInt: larger inputs are fed in slices.
constexpr std::size_t kMaxSlice = std::size_t{1} << 30;

// zlib's raw streams take 9..15 (see deflate.h for 8).
int zlib_window_bits(int bits) { return std::clamp(bits, 9, 15); }

// Lets zlib write `step` bytes at the end of `out`; returns the old size so the caller can trim what was unused.
std::size_t open_output(z_stream& z, std::string& out, std::size_t step) {
    const std::size_t old_size = out.size();
    out.resize(old_size + step);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    z.avail_out = static_cast<uInt>(step);
    return old_size;
}

void close_output(const z_stream& z, std::string& out, std::size_t old_size, std::size_t step) {
    out.resize(old_size + (step - z.avail_out));
}

void set_input(z_stream& z, std::string_view slice) {
    // zlib never writes through next_in; the cast only satisfies its pre-const API.
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(slice.data()));
    z.avail_in = static_cast<uInt>(slice.size());
}

}  // namespace

void Inflater::StreamDeleter::operator()(z_stream_s* stream) const {
    inflateEnd(stream);
    delete stream;
}

Inflater::Inflater(std::uint8_t window_bits, bool no_context_takeover)
    : window_bits_(zlib_window_bits(window_bits)), no_context_takeover_(no_context_takeover) {}
Inflater::~Inflater() = default;
Inflater::Inflater(Inflater&&) noexcept = default;
Inflater& Inflater::operator=(Inflater&&) noexcept = default;

InflateResult Inflater::inflate(std::string_view compressed, std::string& out, std::size_t max_out, bool last) {
    if (!compressed.empty()) {
        if (final_block_seen_) return end_message(InflateResult::Corrupt);  // data after the final block
        message_has_data_ = true;
        while (!compressed.empty()) {
            const std::string_view slice = compressed.substr(0, kMaxSlice);
            compressed.remove_prefix(slice.size());
            const InflateResult result = run(slice, out, max_out);
            if (result != InflateResult::Ok) return end_message(result);
        }
    }
    if (!last) return InflateResult::Ok;
    // An empty message has no stream bytes at all; feeding the tail alone would leave zlib inside a stored block.
    if (!message_has_data_ || final_block_seen_) return end_message(InflateResult::Ok);
    InflateResult result = run(kFlushTail, out, max_out);
    // The tail is the end of an empty stored block, so zlib must now wait for a block header (data_type bit 128).
    // Anything else means the message was cut inside a block, and the tail's bytes were taken as its data.
    if (result == InflateResult::Ok && !final_block_seen_ && (stream_->data_type & 128) == 0)
        result = InflateResult::Corrupt;
    return end_message(result);
}

InflateResult Inflater::run(std::string_view input, std::string& out, std::size_t max_out) {
    if (!stream_) {
        auto z = std::make_unique<z_stream>();
        if (inflateInit2(z.get(), -window_bits_) != Z_OK) return InflateResult::InternalError;
        stream_.reset(z.release());
    }
    z_stream& z = *stream_;
    set_input(z, input);
    for (;;) {
        const std::size_t room = out.size() < max_out ? max_out - out.size() : 0;
        // One byte past the room is enough to learn that the limit would be passed.
        const std::size_t step = room >= kInflateStep ? kInflateStep : room + 1;
        const std::size_t old_size = open_output(z, out, step);
        const int rc = ::inflate(&z, Z_SYNC_FLUSH);
        close_output(z, out, old_size, step);
        if (out.size() > max_out) {
            out.resize(max_out);
            return InflateResult::TooBig;
        }
        if (rc == Z_STREAM_END) {
            final_block_seen_ = true;
            return z.avail_in == 0 ? InflateResult::Ok : InflateResult::Corrupt;
        }
        if (rc == Z_MEM_ERROR) return InflateResult::InternalError;
        // Z_BUF_ERROR only means "no progress possible": fine once all input is consumed.
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_in == 0)) return InflateResult::Corrupt;
        if (z.avail_in == 0 && z.avail_out != 0) return InflateResult::Ok;
    }
}

InflateResult Inflater::end_message(InflateResult result) {
    // An error leaves the stream mid-block: it starts over.
    if (stream_ && (no_context_takeover_ || result != InflateResult::Ok)) inflateReset(stream_.get());
    else if (stream_ && final_block_seen_) restart_with_window();
    message_has_data_ = false;
    final_block_seen_ = false;
    return result;
}

void Inflater::restart_with_window() {
    // A stream closed by BFINAL cannot go on, yet with context takeover the next message may refer back into
    // this one (RFC 7692 7.2.2): the new stream starts with the old window as its dictionary. Rare: senders
    // that end messages with a final block are few, so the copy is not worth a buffer kept per connection.
    z_stream& z = *stream_;
    std::string window(std::size_t{1} << window_bits_, '\0');
    uInt size = 0;
    auto* data = reinterpret_cast<Bytef*>(window.data());
    inflateGetDictionary(&z, data, &size);
    inflateReset(&z);
    inflateSetDictionary(&z, data, size);
}

void Deflater::StreamDeleter::operator()(z_stream_s* stream) const {
    deflateEnd(stream);
    delete stream;
}

Deflater::Deflater(std::uint8_t window_bits, bool no_context_takeover, int mem_level)
    : window_bits_(std::clamp<int>(window_bits, 8, 15)),
      mem_level_(std::clamp(mem_level, 1, 9)),
      no_context_takeover_(no_context_takeover) {}
Deflater::~Deflater() = default;
Deflater::Deflater(Deflater&&) noexcept = default;
Deflater& Deflater::operator=(Deflater&&) noexcept = default;

bool Deflater::deflate(std::string_view message, std::string& out) {
    // An empty message is one empty stored block, 00 00 00 ff ff, sent as 00 (RFC 7692 7.2.3.6). zlib cannot make it
    // after an earlier message: a second Z_SYNC_FLUSH with no new input is "no progress" and writes nothing.
    if (message.empty()) {
        out.push_back('\0');
        return true;
    }
    if (!stream_) {
        auto z = std::make_unique<z_stream>();
        // See deflate.h: window 8 becomes 9 bits with distance-1 matches only.
        const int strategy = window_bits_ == 8 ? Z_RLE : Z_DEFAULT_STRATEGY;
        const int raw_bits = -zlib_window_bits(window_bits_);
        if (deflateInit2(z.get(), Z_DEFAULT_COMPRESSION, Z_DEFLATED, raw_bits, mem_level_, strategy) != Z_OK) {
            return false;
        }
        stream_.reset(z.release());
    }
    z_stream& z = *stream_;
    const std::size_t start = out.size();
    bool ok = true;
    do {
        const std::string_view slice = message.substr(0, kMaxSlice);
        message.remove_prefix(slice.size());
        set_input(z, slice);
        const int flush = message.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        // zlib needs calling again while it fills all the space it was given (its manual, for Z_SYNC_FLUSH).
        do {
            // deflateBound covers the input; the margin covers the flush marker and bits still pending.
            const std::size_t step = deflateBound(&z, z.avail_in) + 16;
            const std::size_t old_size = open_output(z, out, step);
            const int rc = ::deflate(&z, flush);
            close_output(z, out, old_size, step);
            ok = rc == Z_OK || rc == Z_BUF_ERROR;
        } while (ok && (z.avail_in != 0 || z.avail_out == 0));
    } while (ok && !message.empty());

    const std::string_view produced(out.data() + start, out.size() - start);
    ok = ok && produced.ends_with(kFlushTail);
    out.resize(ok ? out.size() - kFlushTail.size() : start);
    if (no_context_takeover_ || !ok) deflateReset(&z);
    return ok;
}

void Deflater::reset() {
    if (stream_) deflateReset(stream_.get());
}

DeflateStreams make_deflate_streams(const DeflateParams& params, Role role, int mem_level) {
    const bool server = role == Role::Server;
    return DeflateStreams{
        Deflater(server ? params.server_max_window_bits : params.client_max_window_bits,
                 server ? params.server_no_context_takeover : params.client_no_context_takeover, mem_level),
        Inflater(server ? params.client_max_window_bits : params.server_max_window_bits,
                 server ? params.client_no_context_takeover : params.server_no_context_takeover),
    };
}

}  // namespace duplex::detail::ws
