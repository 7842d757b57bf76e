#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ws/extensions.h"
#include "ws/permessage_deflate.h"

using namespace duplex::detail::ws;

namespace {

// Renders parsed extensions canonically: name;param=value|name... so one string states the whole outcome.
std::string parsed(std::string_view header) {
    std::vector<Extension> out;
    if (!parse_extensions(header, out)) return out.empty() ? "<malformed>" : "<malformed, out changed>";
    std::string text;
    for (const Extension& ext : out) {
        if (!text.empty()) text += '|';
        text += ext.name;
        for (const ExtensionParam& p : ext.params) {
            text += ';' + p.name;
            if (p.value) text += '=' + *p.value;
        }
    }
    return text;
}

struct Negotiated {
    std::optional<DeflateParams> params;
    std::string response;
};

Negotiated negotiate(std::string_view header, const DeflateConfig& config) {
    std::vector<Extension> offers;
    REQUIRE(parse_extensions(header, offers));
    Negotiated n;
    n.params = negotiate_deflate(offers, config, n.response);
    return n;
}

DeflateConfig enabled() {
    DeflateConfig c;
    c.enabled = true;
    return c;
}

DeflateParams params(bool snct, bool cnct, std::uint8_t sbits, std::uint8_t cbits) {
    DeflateParams p;
    p.server_no_context_takeover = snct;
    p.client_no_context_takeover = cnct;
    p.server_max_window_bits = sbits;
    p.client_max_window_bits = cbits;
    return p;
}

std::optional<DeflateParams> client_accepts(std::string_view response, const DeflateConfig& offered) {
    std::vector<Extension> ext;
    REQUIRE(parse_extensions(response, ext));
    REQUIRE(ext.size() == 1);
    return accept_deflate_response(ext[0], offered);
}

}  // namespace

TEST_SUITE("ws.extensions") {
    TEST_CASE("extension headers parse into names and parameters") {
        CHECK(parsed("") == "");
        CHECK(parsed("   ") == "");
        CHECK(parsed("permessage-deflate") == "permessage-deflate");
        CHECK(parsed("permessage-deflate; client_max_window_bits") == "permessage-deflate;client_max_window_bits");
        CHECK(parsed("a; b=1; c, d") == "a;b=1;c|d");
        CHECK(parsed("a;b=1;c,d") == "a;b=1;c|d");
        CHECK(parsed(" a \t; b = 1 ;\tc ,  d ") == "a;b=1;c|d");
        CHECK(parsed("a, , b,") == "a|b");  // empty list elements are skipped (RFC 7230 7)
        CHECK(parsed(",a") == "a");
        CHECK(parsed("a; b=b; b=b") == "a;b=b;b=b");  // duplicates kept for the negotiation to judge
    }

    TEST_CASE("quoted values are unescaped and must still be tokens") {
        CHECK(parsed("a; b=\"10\"") == "a;b=10");
        CHECK(parsed("a; b=\"1\\0\"") == "a;b=10");
        CHECK(parsed("a; b=\"x\", c") == "a;b=x|c");
        CHECK(parsed("a; b=\"\"") == "<malformed>");           // empty is not a token
        CHECK(parsed("a; b=\"has space\"") == "<malformed>");  // unescaped value is not a token
        CHECK(parsed("a; b=\"x,y\"") == "<malformed>");
        CHECK(parsed("a; b=\"x") == "<malformed>");  // unterminated
        CHECK(parsed("a; b=\"x\\") == "<malformed>");
        CHECK(parsed("a; b=\"x\"y") == "<malformed>");
    }

    TEST_CASE("malformed extension headers are rejected whole") {
        for (const char* bad : {"a;", "a; ", ";a", "a;=1", "a; b=", "a; b= ;c", "a b", "a; b c", "a; b=1 2",
                                "a=1", "a; b==1", "a; b=1=2", "a;;b", "[a]", "a; b=[1]", "a,b;", "a\r\n"}) {
            CHECK_MESSAGE(parsed(bad) == "<malformed>", bad);
        }
    }

    TEST_CASE("parse_extensions appends after existing elements") {
        std::vector<Extension> out(1);
        out[0].name = "existing";
        REQUIRE(parse_extensions("a, b", out));
        REQUIRE(out.size() == 3);
        CHECK(out[0].name == "existing");
        CHECK(out[2].name == "b");
        CHECK_FALSE(parse_extensions("c, d;", out));
        CHECK(out.size() == 3);
    }
}

TEST_SUITE("ws.extensions.negotiation") {
    TEST_CASE("nothing is negotiated when disabled or not offered") {
        CHECK_FALSE(negotiate("permessage-deflate", DeflateConfig{}).params);
        const Negotiated n = negotiate("x-webkit-deflate-frame, foo", enabled());
        CHECK_FALSE(n.params);
        CHECK(n.response.empty());
    }

    TEST_CASE("a plain offer is accepted with defaults") {
        const Negotiated n = negotiate("permessage-deflate", enabled());
        REQUIRE(n.params);
        CHECK(*n.params == params(false, false, 15, 15));
        CHECK(n.response == "permessage-deflate");
    }

    TEST_CASE("server_no_context_takeover: honoured when offered, announced when configured") {
        Negotiated n = negotiate("permessage-deflate; server_no_context_takeover", enabled());
        CHECK(*n.params == params(true, false, 15, 15));
        CHECK(n.response == "permessage-deflate; server_no_context_takeover");
        DeflateConfig c = enabled();
        c.server_no_context_takeover = true;
        n = negotiate("permessage-deflate", c);
        CHECK(*n.params == params(true, false, 15, 15));
        CHECK(n.response == "permessage-deflate; server_no_context_takeover");
    }

    TEST_CASE("client_no_context_takeover: echoed when offered, requested when configured") {
        Negotiated n = negotiate("permessage-deflate; client_no_context_takeover", enabled());
        CHECK(*n.params == params(false, true, 15, 15));
        CHECK(n.response == "permessage-deflate; client_no_context_takeover");
        DeflateConfig c = enabled();
        c.client_no_context_takeover = true;
        n = negotiate("permessage-deflate", c);
        CHECK(*n.params == params(false, true, 15, 15));
        CHECK(n.response == "permessage-deflate; client_no_context_takeover");
    }

    TEST_CASE("server_max_window_bits: the offer limits us and is always answered") {
        Negotiated n = negotiate("permessage-deflate; server_max_window_bits=10", enabled());
        CHECK(*n.params == params(false, false, 10, 15));
        CHECK(n.response == "permessage-deflate; server_max_window_bits=10");
        n = negotiate("permessage-deflate; server_max_window_bits=15", enabled());
        CHECK(n.response == "permessage-deflate; server_max_window_bits=15");
        DeflateConfig c = enabled();
        c.server_max_window_bits = 9;
        n = negotiate("permessage-deflate; server_max_window_bits=10", c);
        CHECK(*n.params == params(false, false, 9, 15));
        CHECK(n.response == "permessage-deflate; server_max_window_bits=9");
        n = negotiate("permessage-deflate", c);  // we may limit ourselves unasked
        CHECK(n.response == "permessage-deflate; server_max_window_bits=9");
        n = negotiate("permessage-deflate; server_max_window_bits=8", enabled());
        CHECK(*n.params == params(false, false, 8, 15));
        CHECK(n.response == "permessage-deflate; server_max_window_bits=8");
        n = negotiate("permessage-deflate; server_max_window_bits=\"11\"", enabled());
        CHECK(n.response == "permessage-deflate; server_max_window_bits=11");
    }

    TEST_CASE("client_max_window_bits: only limited when the client supports it") {
        DeflateConfig c = enabled();
        c.client_max_window_bits = 10;
        Negotiated n = negotiate("permessage-deflate; client_max_window_bits", c);
        CHECK(*n.params == params(false, false, 15, 10));
        CHECK(n.response == "permessage-deflate; client_max_window_bits=10");
        n = negotiate("permessage-deflate", c);  // must not send it unoffered (RFC 7692 7.1.2.2)
        CHECK(*n.params == params(false, false, 15, 15));
        CHECK(n.response == "permessage-deflate");
        n = negotiate("permessage-deflate; client_max_window_bits=12", enabled());
        CHECK(*n.params == params(false, false, 15, 12));
        CHECK(n.response == "permessage-deflate; client_max_window_bits=12");
        n = negotiate("permessage-deflate; client_max_window_bits=9", c);
        CHECK(*n.params == params(false, false, 15, 9));
        n = negotiate("permessage-deflate; client_max_window_bits", enabled());
        CHECK(*n.params == params(false, false, 15, 15));
        CHECK(n.response == "permessage-deflate");
    }

    TEST_CASE("every parameter together") {
        const Negotiated n = negotiate(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; "
            "client_max_window_bits=11",
            enabled());
        CHECK(*n.params == params(true, true, 12, 11));
        CHECK(n.response ==
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; "
              "client_max_window_bits=11");
    }

    TEST_CASE("offers with unknown, duplicate or invalid parameters are declined") {
        for (const char* bad : {
                 "permessage-deflate; foo",
                 "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                 "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
                 "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
                 "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                 "permessage-deflate; server_no_context_takeover=1",
                 "permessage-deflate; client_no_context_takeover=true",
                 "permessage-deflate; server_max_window_bits",
                 "permessage-deflate; server_max_window_bits=7",
                 "permessage-deflate; server_max_window_bits=16",
                 "permessage-deflate; server_max_window_bits=08",
                 "permessage-deflate; server_max_window_bits=010",
                 "permessage-deflate; server_max_window_bits=abc",
                 "permessage-deflate; server_max_window_bits=+9",
                 "permessage-deflate; client_max_window_bits=7",
                 "permessage-deflate; client_max_window_bits=16",
                 "permessage-deflate; client_max_window_bits=1e1",
             }) {
            const Negotiated n = negotiate(bad, enabled());
            CHECK_MESSAGE(!n.params, bad);
            CHECK(n.response.empty());
        }
    }

    TEST_CASE("the first acceptable offer wins") {
        Negotiated n = negotiate(
            "permessage-deflate; server_max_window_bits=7, permessage-deflate; client_max_window_bits=10, "
            "permessage-deflate",
            enabled());
        CHECK(*n.params == params(false, false, 15, 10));
        CHECK(n.response == "permessage-deflate; client_max_window_bits=10");
        n = negotiate("x-other; a=1, permessage-deflate; server_no_context_takeover, permessage-deflate", enabled());
        CHECK(*n.params == params(true, false, 15, 15));
        n = negotiate("permessage-deflate; bogus, permessage-deflate; bogus", enabled());
        CHECK_FALSE(n.params);
    }

    TEST_CASE("config window bits out of range are clamped") {
        DeflateConfig c = enabled();
        c.server_max_window_bits = 20;
        c.client_max_window_bits = 3;
        const Negotiated n = negotiate("permessage-deflate; client_max_window_bits", c);
        CHECK(*n.params == params(false, false, 15, 8));
    }

    TEST_CASE("the client offer states the config") {
        std::string out;
        append_deflate_offer(enabled(), out);
        CHECK(out == "permessage-deflate; client_max_window_bits");
        DeflateConfig c = enabled();
        c.server_no_context_takeover = true;
        c.client_no_context_takeover = true;
        c.server_max_window_bits = 10;
        c.client_max_window_bits = 12;
        out.clear();
        append_deflate_offer(c, out);
        CHECK(out ==
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
              "client_max_window_bits=12");
    }

    TEST_CASE("the client accepts responses within its offer") {
        const DeflateConfig plain = enabled();
        CHECK(*client_accepts("permessage-deflate", plain) == params(false, false, 15, 15));
        // The server may choose these without being asked (RFC 7692 7.1.1.1, 7.1.1.2, 7.1.2.1).
        CHECK(*client_accepts("permessage-deflate; server_no_context_takeover", plain) == params(true, false, 15, 15));
        CHECK(*client_accepts("permessage-deflate; client_no_context_takeover", plain) == params(false, true, 15, 15));
        CHECK(*client_accepts("permessage-deflate; server_max_window_bits=9", plain) == params(false, false, 9, 15));
        // We always announce client_max_window_bits support.
        CHECK(*client_accepts("permessage-deflate; client_max_window_bits=8", plain) == params(false, false, 15, 8));

        DeflateConfig c = enabled();
        c.client_no_context_takeover = true;
        c.server_max_window_bits = 10;
        c.client_max_window_bits = 12;
        // Our own client_no_context_takeover binds us; our client limit holds without an answer.
        CHECK(*client_accepts("permessage-deflate; server_max_window_bits=10", c) == params(false, true, 10, 12));
        CHECK(*client_accepts("permessage-deflate; server_max_window_bits=9; client_max_window_bits=11", c) ==
              params(false, true, 9, 11));
    }

    TEST_CASE("the client rejects responses outside its offer") {
        DeflateConfig c = enabled();
        c.server_no_context_takeover = true;
        c.server_max_window_bits = 10;
        c.client_max_window_bits = 12;
        const char* good = "permessage-deflate; server_no_context_takeover; server_max_window_bits=10";
        CHECK(client_accepts(good, c).has_value());
        for (const char* bad : {
                 "permessage-deflate; server_max_window_bits=10",                     // snct asked, not granted
                 "permessage-deflate; server_no_context_takeover",                    // smwb asked, not answered
                 "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",  // above our limit
                 "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=13",
                 "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits",
                 "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; x=1",
                 "permessage-deflate; server_no_context_takeover; server_no_context_takeover; "
                 "server_max_window_bits=10",
                 "x-other",
             }) {
            CHECK_MESSAGE(!client_accepts(bad, c).has_value(), bad);
        }
    }
}
