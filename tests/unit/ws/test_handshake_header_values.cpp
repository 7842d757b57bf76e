// Extra header values in handshake messages (found by tests/fuzz/fuzz_ws_handshake): a control byte other than
// HTAB made a 101 that llhttp, and so our own client, refuses. Such values are now refused like CR/LF/NUL;
// visible bytes, obs-text, SP and HTAB (RFC 9110 5.5) still pass.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "ws/server_handshake_rules.h"

using namespace duplex::detail::ws;

TEST_SUITE("ws.handshake.header_values") {
    TEST_CASE("control bytes in a value are refused and leave the output unchanged") {
        for (const std::string_view value : {std::string_view("a\x01z"), std::string_view("a\x7fz"),
                                             std::string_view("\x1b[0m"), std::string_view("a\rb")}) {
            const HeaderField extra[] = {{"X-Extra", value}};
            std::string out = "kept";
            CHECK_FALSE(append_switching_protocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "", "", extra, out));
            CHECK(out == "kept");
            CHECK_FALSE(append_header_fields(extra, out));
            CHECK(out == "kept");
        }
    }

    TEST_CASE("tabs, spaces and obs-text are field content") {
        const HeaderField extra[] = {{"X-Extra", "a\tb c caf\xc3\xa9 ~!"}};
        std::string out;
        REQUIRE(append_header_fields(extra, out));
        CHECK(out == "X-Extra: a\tb c caf\xc3\xa9 ~!\r\n");
    }
}
