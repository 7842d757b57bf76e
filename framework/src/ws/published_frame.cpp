#include "ws/published_frame.h"

#include "util/buffer_capacity.h"
#include "ws/deflate.h"
#include "ws/frame_writer.h"

namespace duplex::detail {

void PublishedFrame::reset(std::string_view payload, bool binary) {
    plain_.clear();
    ws::append_frame(plain_, binary ? ws::Opcode::Binary : ws::Opcode::Text, payload, true, false, nullptr);
    header_ = plain_.size() - payload.size();
    binary_ = binary;
    deflated_.clear();
    made_.store(false, std::memory_order_relaxed);
}

std::string_view PublishedFrame::deflated() const {
    if (!made_.load(std::memory_order_acquire)) {
        std::lock_guard<std::mutex> lock(make_);
        if (!made_.load(std::memory_order_relaxed)) {
            // One compressor per thread, reset after each message (no context): its 256 KiB are made once.
            thread_local ws::Deflater deflater(15, true);
            thread_local std::string z;
            z.clear();
            const std::string_view payload = std::string_view(plain_).substr(header_);
            if (deflater.deflate(payload, z) && z.size() < payload.size())
                ws::append_frame(deflated_, binary_ ? ws::Opcode::Binary : ws::Opcode::Text, z, true, true, nullptr);
            release_if_over(z, scratch_keep_bytes);
            made_.store(true, std::memory_order_release);
        }
    }
    return deflated_;
}

void PublishedFrame::trim(std::size_t keep_bytes) {
    release_if_over(plain_, keep_bytes);
    release_if_over(deflated_, keep_bytes);
}

}  // namespace duplex::detail
