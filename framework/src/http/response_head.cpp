#include "http/response_head.h"

#include "http/exchange.h"
#include "http/http_tokens.h"
#include "http/response_writer.h"

#include <string>

namespace duplex::detail {

const Request& ResponseHead::req() const noexcept { return ex_.req; }

int ResponseHead::status() const noexcept { return ex_.status; }

bool ResponseHead::head_only() const noexcept { return ex_.head_only; }

std::string_view ResponseHead::header(std::string_view name) const { return header_view(ex_, name); }

bool ResponseHead::set(std::string_view name, std::string_view value) { return set_header(ex_, name, value, true); }

void ResponseHead::remove(std::string_view name) { remove_header(ex_, name); }

void ResponseHead::append_line(std::string_view name, std::initializer_list<std::string_view> value_parts) {
    append_header_line(ex_, name, value_parts);
}

void ResponseHead::add_vary(std::string_view field) {
    const std::string_view current = header_view(ex_, "Vary");
    if (current.empty()) {  // the usual case: no copy, and `field` is one of our own constant names
        append_header_line(ex_, "Vary", {field});
        return;
    }
    if (list_has_token(current, "*") || list_has_token(current, field)) return;
    std::string vary(current);
    vary.append(", ").append(field);
    set_header(ex_, "Vary", vary, true);
}

}  // namespace duplex::detail
