// The timeout poll() takes on the way to a deadline: the bounded waits of the test support code.
// Pure, header-only.
#pragma once

#include <chrono>

namespace testing_support {

// Milliseconds left until `deadline`, 0 once it has passed.
inline int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace testing_support
