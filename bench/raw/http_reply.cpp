#include "http_reply.h"

namespace raw {

namespace {

constexpr std::string_view response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 17\r\n"
    "\r\n"
    "{\"hello\":\"bench\"}";

}  // namespace

std::size_t answer_requests(std::string_view in, std::string& out) {
    std::size_t used = 0;
    for (;;) {
        const std::size_t end = in.find("\r\n\r\n", used);
        if (end == std::string_view::npos) return used;
        out.append(response);
        used = end + 4;
    }
}

}  // namespace raw
