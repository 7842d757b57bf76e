// Raw DEFLATE for permessage-deflate tests (RFC 7692 7.2), written on zlib directly so that the tests do not
// reuse the framework's compressor: a message is compressed with a sync flush and sent without the final
// 00 00 FF FF; a received message gets those 4 bytes back before inflating.
// Lifetime: each object owns one zlib stream. Threads: the test's.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace testing_support {

class RawDeflater {
public:
    // window_bits 8..15; context_takeover false resets the window after each message.
    explicit RawDeflater(int window_bits = 15, bool context_takeover = true);
    ~RawDeflater();
    RawDeflater(const RawDeflater&) = delete;
    RawDeflater& operator=(const RawDeflater&) = delete;
    std::string compress(std::string_view message);

private:
    z_stream z_{};
    bool takeover_;
};

class RawInflater {
public:
    explicit RawInflater(int window_bits = 15);
    ~RawInflater();
    RawInflater(const RawInflater&) = delete;
    RawInflater& operator=(const RawInflater&) = delete;
    // nullopt when the data is not valid DEFLATE.
    std::optional<std::string> inflate(std::string_view payload);

private:
    z_stream z_{};
};

// A message body that inflates to `inflated_bytes` zero bytes from a small fraction of that (run-length
// DEFLATE), without the final 00 00 FF FF.
std::string deflate_bomb(std::size_t inflated_bytes);

}  // namespace testing_support
