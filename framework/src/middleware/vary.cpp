#include "middleware/vary.h"

#include "http/http_tokens.h"
#include "http/response_writer.h"

namespace duplex::detail {

void add_vary(Exchange& ex, std::string_view field) {
    const std::string_view current = header_view(ex, "Vary");
    if (current.empty()) {  // the usual case: no copy, and `field` is one of our own constant names
        append_header_line(ex, "Vary", {field});
        return;
    }
    if (list_has_token(current, "*") || list_has_token(current, field)) return;
    std::string vary(current);
    vary.append(", ").append(field);
    set_header(ex, "Vary", vary, true);
}

}  // namespace duplex::detail
