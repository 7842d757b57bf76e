// ContentDecoder: undoes a content coding (gzip, deflate, br) in pieces, for tests that check what a server coded:
// feed the coded bytes as they arrive, read what they decode to so far, and whether the stream has ended.
// Lifetime: one per coded body. Threads: the test's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace testing_support {

class ContentDecoder {
public:
    /// "gzip", "deflate" or "br"; anything else throws std::invalid_argument.
    explicit ContentDecoder(std::string_view coding);
    ~ContentDecoder();
    ContentDecoder(const ContentDecoder&) = delete;
    ContentDecoder& operator=(const ContentDecoder&) = delete;

    /// Appends what `coded` decodes to (with everything fed before) to `out`; false on corrupt input.
    bool feed(std::string_view coded, std::string& out);
    /// True once the coded stream's end (gzip trailer, brotli's last block) was decoded.
    bool finished() const { return finished_; }

private:
    struct State;
    std::unique_ptr<State> state_;
    bool finished_ = false;
};

/// A whole coded body decoded; nullopt when corrupt or not complete.
std::optional<std::string> decode_body(std::string_view coding, std::string_view coded);

}  // namespace testing_support
