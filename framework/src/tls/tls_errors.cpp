#include "tls/tls_errors.h"

#include <openssl/err.h>

#include <cstring>

namespace duplex::detail::tls {

std::string take_errors(const char* fallback) {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        // A system error (a file that cannot be opened) carries errno, which OpenSSL 3 has no string for.
        const char* reason = ERR_SYSTEM_ERROR(e) ? std::strerror(static_cast<int>(ERR_GET_REASON(e)))
                                                 : ERR_reason_error_string(e);
        char code[128];
        if (!reason) {
            ERR_error_string_n(e, code, sizeof code);
            reason = code;
        }
        // The same reason from several layers, or the bare "system lib" under a system error's own text.
        if (out.find(reason) != std::string::npos || (ERR_GET_REASON(e) == ERR_R_SYS_LIB && !out.empty())) continue;
        if (!out.empty()) out += ": ";
        out += reason;
    }
    return out.empty() ? fallback : out;
}

}  // namespace duplex::detail::tls
