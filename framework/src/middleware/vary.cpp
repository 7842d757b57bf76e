#include "middleware/vary.h"

#include "http/http_tokens.h"
#include "http/response_writer.h"

namespace duplex::detail {

void add_vary(Exchange& ex, std::string_view field) {
    std::string vary = get_header(ex, "Vary");
    if (list_has_token(vary, "*") || list_has_token(vary, field)) return;
    if (!vary.empty()) vary.append(", ");
    vary.append(field);
    set_header(ex, "Vary", vary, true);
}

}  // namespace duplex::detail
