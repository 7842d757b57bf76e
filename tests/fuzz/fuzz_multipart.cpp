// Fuzz target: the multipart/form-data parser (MultipartParser) and boundary_of.
// Input layout: the first byte is the boundary's length (taken from the bytes after it, at most 70), the rest the
// body. Invariants: boundary_of gives only RFC 2046 boundaries; whatever the body, the parser ends in Done or Error (never More after finish); the outcome and
// every part (head and joined data) are the same for the body fed whole, one byte at a time, and cut in two at
// every offset (bodies up to 512 bytes) or at 64 offsets spread over it (longer ones); an error is 400 or 413.
#include "fuzz_check.h"
#include "middleware/multipart_parser.h"
#include "../support/multipart_record.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using duplex::detail::MultipartParser;
using testing_support::run_multipart;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t blen = std::min<std::size_t>(data[0] % 71u, size - 1);
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string boundary(input.substr(0, blen));
    const std::string_view body = input.substr(blen);
    // boundary_of gives only what RFC 2046 allows: 1 to 70 bytes, none of them a quote, a backslash or a control.
    if (auto b = MultipartParser::boundary_of("multipart/form-data; boundary=\"" + boundary + "\"")) {
        FUZZ_CHECK(!b->empty() && b->size() <= 70 && b->back() != ' ');
        for (char c : *b) FUZZ_CHECK(c != '"' && c != '\\' && c != '\r' && c != '\n' && c != '\0');
        boundary = *b;
    } else {
        boundary = "b";  // still parse the body, with a boundary the parser is allowed to get
    }
    const std::string whole = run_multipart(boundary, body, std::vector<std::size_t>{}, 256, 64);
    FUZZ_CHECK(whole.ends_with("done") || whole.ends_with("error 400") || whole.ends_with("error 413"));
    std::vector<std::size_t> each(body.size());
    for (std::size_t i = 0; i < each.size(); ++i) each[i] = i + 1;
    FUZZ_CHECK(run_multipart(boundary, body, each, 256, 64) == whole);
    const std::size_t step = body.size() <= 512 ? 1 : body.size() / 64;
    for (std::size_t cut = 1; cut < body.size(); cut += step)
        FUZZ_CHECK(run_multipart(boundary, body, std::vector<std::size_t>{cut}, 256, 64) == whole);
    return 0;
}
