#include "http/framing_checks.h"

#include "http/http_tokens.h"

#include <cstring>

namespace duplex::detail {

namespace {
// Far longer than any registered method name; a longer "token" is treated as garbage rather than read on.
constexpr std::size_t kMaxMethodBytes = 64;
}  // namespace

bool ChunkFraming::data(const char* at, std::size_t n, const char* end) {
    // An empty span after the chunk's last byte must not restart the CRLF check.
    if (n == 0 || (left_ -= n) != 0) return true;
    crlf_checked_ = 0;
    return check_crlf(at + n, end);
}

bool ChunkFraming::check_crlf(const char* p, const char* end) {
    static constexpr char kCrlf[] = "\r\n";
    for (; crlf_checked_ < 2 && p < end; ++p, ++crlf_checked_)
        if (*p != kCrlf[crlf_checked_]) return false;
    return true;
}

int MethodScan::scan(const char* data, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
        if (data[i] == ' ') return token_ ? 501 : 400;
        if (!is_tchar(data[i]) || ++scanned_ > kMaxMethodBytes) return 400;
        token_ = true;
    }
    return 0;
}

bool FoldWatch::scan(const char* p, std::size_t n) {
    const char* end = p + n;
    while (p < end) {
        switch (state_) {
        case State::off: return true;
        case State::folded: return false;
        case State::in_line: {
            // Field values hold no LF: the line's end is the next one.
            const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
            if (lf == nullptr) return true;
            p = static_cast<const char*>(lf) + 1;
            state_ = State::after_lf;
            break;
        }
        case State::after_lf:
            state_ = *p == ' ' || *p == '\t' ? State::folded : State::off;
            break;
        }
    }
    return state_ != State::folded;
}

}  // namespace duplex::detail
