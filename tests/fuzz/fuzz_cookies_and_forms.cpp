// Fuzz target: Cookie lines, Set-Cookie values, the test client's cookie jar and the urlencoded form parser.
// Input layout (FuzzedDataProvider): a text (ConsumeRandomLengthString: it ends at a backslash followed by another
// byte), then bits that say where the text is cut into Cookie lines and into body pieces.
// Invariants:
//  - parse_cookie_line keeps at most max_pairs pairs, each with a non-empty name free of ';', '=' and controls;
//    cutting the text into lines after any ';' gives the same pairs (browsers may send several Cookie lines).
//  - a value written by format_set_cookie (any bytes) holds no CR, LF, NUL or ';' of its own, and reads back as
//    exactly those bytes, also after a trip through the test client's CookieJar (any line stored there is harmless).
//  - UrlencodedParser gives the same answer for every split of the body as whole, and agrees with parse_query (the
//    query-string parser, same grammar) on success, on the pairs and on bad escapes.
#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cookies/cookie_header.h"
#include "fuzz_check.h"
#include "http/url.h"
#include "middleware/urlencoded_parser.h"
#include "testing/cookie_jar.h"

namespace {

using namespace duplex::detail;

void check_cookie_line(std::string_view text, FuzzedDataProvider& cuts_source) {
    CookiePairs whole;
    parse_cookie_line(text, whole, 64);
    FUZZ_CHECK(whole.size() <= 64);
    for (const auto& [name, value] : whole) {
        FUZZ_CHECK(!name.empty());
        for (const char c : name) {
            const auto b = static_cast<unsigned char>(c);
            FUZZ_CHECK(c != ';' && c != '=' && b >= 0x20 && b != 0x7f);
        }
    }
    CookiePairs in_lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ';' && cuts_source.ConsumeBool()) {
            parse_cookie_line(text.substr(start, i + 1 - start), in_lines, 64);
            start = i + 1;
        }
    }
    parse_cookie_line(text.substr(start), in_lines, 64);
    FUZZ_CHECK(in_lines == whole);
}

void check_set_cookie_round_trip(std::string_view bytes) {
    const std::string line = format_set_cookie("k", bytes, {.path = ""});
    for (const char c : line) FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0' && c != ';');
    CookiePairs back;
    parse_cookie_line(line, back);
    FUZZ_CHECK(back.size() == 1 && back[0].first == "k" && back[0].second == bytes);
}

void check_cookie_jar(std::string_view bytes) {
    const auto now = std::chrono::system_clock::from_time_t(1700000000);
    duplex::detail::testing::CookieJar jar;
    jar.store(bytes, now);
    jar.clear();
    jar.store(format_set_cookie("k", bytes, {.path = ""}), now);
    CookiePairs back;
    parse_cookie_line(jar.header(), back);
    FUZZ_CHECK(back.size() == 1 && back[0].first == "k" && back[0].second == bytes);
}

UrlencodedParser::Status parse_form(std::string_view body, const std::vector<std::size_t>& cuts,
                                    UrlencodedParser::Fields& out) {
    UrlencodedParser parser(1 << 20, 1 << 20);
    std::size_t pos = 0;
    for (const std::size_t cut : cuts) {
        parser.feed(body.substr(pos, cut - pos));
        pos = cut;
    }
    parser.feed(body.substr(pos));
    const auto status = parser.finish();
    out = parser.fields();
    return status;
}

void check_form(std::string_view body, FuzzedDataProvider& cuts_source) {
    UrlencodedParser::Fields whole;
    const auto status = parse_form(body, {}, whole);
    FUZZ_CHECK(status == UrlencodedParser::Status::Ok || status == UrlencodedParser::Status::BadEscape);

    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < body.size(); ++i)
        if (cuts_source.ConsumeBool()) cuts.push_back(i);
    UrlencodedParser::Fields split;
    FUZZ_CHECK(parse_form(body, cuts, split) == status);
    if (status == UrlencodedParser::Status::Ok) FUZZ_CHECK(split == whole);

    NameValueList reference;
    const DecodeStatus ref_status = parse_query(body, reference);
    FUZZ_CHECK((ref_status == DecodeStatus::Ok) == (status == UrlencodedParser::Status::Ok));
    if (status != UrlencodedParser::Status::Ok) return;
    FUZZ_CHECK(reference.size() == whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i)
        FUZZ_CHECK(reference[i].name == whole[i].first && reference[i].value == whole[i].second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const std::string text = input.ConsumeRandomLengthString(4096);
    // What remains of the input decides where the pieces are cut.
    check_cookie_line(text, input);
    check_set_cookie_round_trip(text);
    check_cookie_jar(text);
    check_form(text, input);
    return 0;
}
