// A log-linear latency histogram: exact below 64 ns, then 32 sub-buckets per power of two (about 3% resolution),
// so recording is a few instructions and percentiles need no sorting.
//
// Value type: one thread, no I/O; about 15 KiB, allocated once.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace loadgen {

class Histogram {
public:
    void record(std::uint64_t value) {
        ++buckets_[index_of(value)];
        ++count_;
    }

    void reset() {
        buckets_.fill(0);
        count_ = 0;
    }

    std::uint64_t count() const { return count_; }

    // The smallest bucket value at or below which `fraction` (0..1) of the samples lie; 0 when empty.
    std::uint64_t percentile(double fraction) const {
        if (count_ == 0) return 0;
        auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(count_));
        if (rank >= count_) rank = count_ - 1;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < buckets_.size(); ++i) {
            seen += buckets_[i];
            if (seen > rank) return value_of(i);
        }
        return value_of(buckets_.size() - 1);
    }

private:
    static constexpr int sub_bits = 5;
    static constexpr std::size_t linear = 2u << sub_bits;  // values below 64 get their own bucket
    static constexpr std::size_t bucket_count = linear + (64 - sub_bits - 1) * (1u << sub_bits);

    static std::size_t index_of(std::uint64_t v) {
        if (v < linear) return static_cast<std::size_t>(v);
        const int msb = 63 - std::countl_zero(v);
        const int shift = msb - sub_bits;
        const std::uint64_t top = (v >> shift) - (1u << sub_bits);  // 0..31
        return linear + static_cast<std::size_t>(msb - sub_bits - 1) * (1u << sub_bits) + static_cast<std::size_t>(top);
    }

    // Midpoint of the bucket, which halves the worst-case error of reporting its lower edge.
    static std::uint64_t value_of(std::size_t i) {
        if (i < linear) return i;
        const std::size_t group = (i - linear) >> sub_bits;
        const std::size_t top = (i - linear) & ((1u << sub_bits) - 1);
        const int shift = static_cast<int>(group) + 1;
        const std::uint64_t low = (std::uint64_t{(1u << sub_bits) + top}) << shift;
        return low + ((std::uint64_t{1} << shift) >> 1);
    }

    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
};

}  // namespace loadgen
