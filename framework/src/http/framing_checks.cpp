#include "http/framing_checks.h"

#include "http/http_tokens.h"

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

}  // namespace duplex::detail
