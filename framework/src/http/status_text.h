// Reason phrases for status lines. Pure, any thread.
#pragma once

#include <string_view>

namespace duplex::detail {

// "OK" for 200, ..., "Unknown" for codes without a registered phrase.
std::string_view status_text(int status);

}  // namespace duplex::detail
