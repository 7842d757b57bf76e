#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "ws/close_frame.h"
#include "ws/utf8.h"

using namespace duplex::detail::ws;

namespace {

std::string payload(std::uint16_t code, std::string_view reason = {}) {
    std::string out;
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    out.append(reason);
    return out;
}

}  // namespace

TEST_SUITE("ws.close_frame") {

TEST_CASE("an empty payload means no status") {
    const ParsedClose parsed = parse_close_payload("");
    CHECK(parsed.ok);
    CHECK(parsed.code == 1005);
    CHECK(parsed.reason.empty());
}

TEST_CASE("a one byte payload is a protocol error") {
    const ParsedClose parsed = parse_close_payload("\x03");
    CHECK_FALSE(parsed.ok);
    CHECK(parsed.code == 1002);
}

TEST_CASE("codes a peer may send") {
    for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
        INFO("code " << code);
        CHECK(is_valid_received_close_code(code));
        const std::string bytes = payload(code);
        const ParsedClose parsed = parse_close_payload(bytes);
        CHECK(parsed.ok);
        CHECK(parsed.code == code);
        CHECK(parsed.reason.empty());
    }
}

TEST_CASE("codes a peer may not send close with 1002") {
    for (std::uint16_t code : {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        INFO("code " << code);
        CHECK_FALSE(is_valid_received_close_code(code));
        const std::string bytes = payload(code, "reason");
        const ParsedClose parsed = parse_close_payload(bytes);
        CHECK_FALSE(parsed.ok);
        CHECK(parsed.code == 1002);
    }
}

TEST_CASE("the reason must be UTF-8 (1007)") {
    const std::string good = payload(1000, "bye \xe2\x82\xac");
    const ParsedClose parsed = parse_close_payload(good);
    CHECK(parsed.ok);
    CHECK(parsed.code == 1000);
    CHECK(parsed.reason == "bye \xe2\x82\xac");
    CHECK(parsed.reason.data() == good.data() + 2);

    for (std::string_view reason : {"\xff", "bye \xe2\x82", "\xed\xa0\x80", "\xc0\xaf"}) {
        const std::string bad = payload(1000, reason);
        const ParsedClose failed = parse_close_payload(bad);
        CHECK_FALSE(failed.ok);
        CHECK(failed.code == 1007);
    }
}

TEST_CASE("building a close payload") {
    CHECK(make_close_payload(1000, "bye").view() == payload(1000, "bye"));
    CHECK(make_close_payload(1001, "").view() == payload(1001));
    CHECK(make_close_payload(4000, "app").view() == payload(4000, "app"));
    CHECK(make_close_payload(1005, "ignored").view().empty());  // NoStatus is never sent
}

TEST_CASE("long reasons are cut to fit 125 bytes on a UTF-8 boundary") {
    const std::string ascii(200, 'r');
    CHECK(make_close_payload(1000, ascii).view() == payload(1000, ascii.substr(0, 123)));

    // 122 ASCII bytes then a 2, 3 or 4 byte character that would straddle the 123-byte budget.
    for (std::string_view wide : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
        const std::string reason = std::string(122, 'r') + std::string(wide) + "tail";
        const ClosePayload built = make_close_payload(1001, reason);
        CHECK(built.view() == payload(1001, std::string(122, 'r')));
        const ParsedClose parsed = parse_close_payload(built.view());
        CHECK(parsed.ok);
        CHECK(parsed.code == 1001);
    }
    // A character that ends exactly on the budget is kept.
    const std::string exact = std::string(121, 'r') + "\xc3\xa9" + "tail";
    CHECK(make_close_payload(1000, exact).view() == payload(1000, exact.substr(0, 123)));
    CHECK(make_close_payload(1000, exact).view().size() == 125);
}

}  // TEST_SUITE
