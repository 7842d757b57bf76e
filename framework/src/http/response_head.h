// ResponseHead: a response's status and header lines while they can still change, and nothing else. What a body
// transform (compression) and an on-headers hook (a session's Set-Cookie) are given, instead of the whole Exchange,
// and what a middleware that adds to Vary edits (MiddlewareAccess::add_vary).
//
// Lifetime: a view on one exchange, made by http/ for the length of one call (a hook, BodyTransform::begin or
// form_for); never kept. Threads: loop thread only, like the Response. Edits are no-ops once the head is sent.
#pragma once

#include "duplex/request.h"

#include <initializer_list>
#include <string_view>

namespace duplex::detail {

struct Exchange;

class ResponseHead {
public:
    explicit ResponseHead(Exchange& ex) noexcept : ex_(ex) {}

    const Request& req() const noexcept;
    int status() const noexcept;
    // A HEAD request: the head a GET would get, and no body bytes.
    bool head_only() const noexcept;
    // The first value of header `name`, without a copy: valid until the next edit; "" when absent.
    std::string_view header(std::string_view name) const;
    // Sets header `name`, replacing its lines; false (and nothing changed) for a name or value that would inject
    // CR/LF (see set_header in response_writer.h).
    bool set(std::string_view name, std::string_view value);
    // Removes every line of header `name`.
    void remove(std::string_view name);
    // Appends one line the framework built itself (valid by construction, not checked again): append_header_line.
    void append_line(std::string_view name, std::initializer_list<std::string_view> value_parts);
    // Adds `field` to Vary unless it is already listed (case-insensitively) or Vary is "*" (the answer depends on
    // that request header: compression, CORS). `field` is a constant name the caller spells: not checked again.
    void add_vary(std::string_view field);

private:
    Exchange& ex_;
};

}  // namespace duplex::detail
