#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/base64.h"
#include "ws/accept_key.h"
#include "ws/server_handshake_rules.h"
#include "ws/client_handshake_rules.h"

using namespace duplex::detail::ws;

namespace {

constexpr std::string_view kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kRfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

UpgradeRequest valid_request() {
    UpgradeRequest r;
    r.method = "GET";
    r.host = "server.example.com";
    r.connection = "Upgrade";
    r.upgrade = "websocket";
    r.version = "13";
    r.key = kRfcKey;
    return r;
}

std::string error_response(const HandshakeDecision& d) {
    std::string out;
    append_handshake_error(d, out);
    return out;
}

std::string key_of_size(std::size_t bytes) {
    std::string key;
    duplex::detail::base64_encode(std::string(bytes, 'k'), key);
    return key;
}

}  // namespace

TEST_SUITE("ws.handshake") {
    TEST_CASE("accept key of RFC 6455 section 1.3") {
        CHECK(accept_key(kRfcKey) == std::string(kRfcAccept));
    }

    TEST_CASE("a valid request is accepted with its accept key") {
        const HandshakeDecision d = check_upgrade_request(valid_request());
        CHECK(d.ok());
        CHECK(d.status == 101);
        CHECK(d.accept == kRfcAccept);
        CHECK(d.subprotocols.empty());
        CHECK(d.deflate_offers.empty());
    }

    TEST_CASE("Connection and Upgrade are token lists compared case-insensitively") {
        for (const char* connection : {"keep-alive, Upgrade", "upgrade", "UPGRADE", "keep-alive,upgrade",
                                       "Upgrade , keep-alive", "\tupgrade\t", ", , upgrade"}) {
            UpgradeRequest r = valid_request();
            r.connection = connection;
            CHECK_MESSAGE(check_upgrade_request(r).ok(), connection);
        }
        for (const char* upgrade : {"WebSocket", "websocket, h2c", "h2c , WEBSOCKET"}) {
            UpgradeRequest r = valid_request();
            r.upgrade = upgrade;
            CHECK_MESSAGE(check_upgrade_request(r).ok(), upgrade);
        }
    }

    TEST_CASE("a method other than GET gets 405 with Allow: GET") {
        UpgradeRequest r = valid_request();
        r.method = "POST";
        const HandshakeDecision d = check_upgrade_request(r);
        CHECK(d.error == HandshakeError::MethodNotAllowed);
        CHECK(d.status == 405);
        const std::string body = "WebSocket upgrades must use GET\n";
        CHECK(error_response(d) ==
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Allow: GET\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: " + std::to_string(body.size()) + "\r\n"
              "Connection: close\r\n\r\n" + body);
        r.method = "get";  // methods are case-sensitive
        CHECK(check_upgrade_request(r).status == 405);
    }

    TEST_CASE("HTTP/1.0 and HTTP/0.9 get 400") {
        UpgradeRequest r = valid_request();
        r.http_minor = 0;
        HandshakeDecision d = check_upgrade_request(r);
        CHECK(d.error == HandshakeError::HttpVersionTooOld);
        CHECK(d.status == 400);
        r.http_major = 0;
        r.http_minor = 9;
        CHECK(check_upgrade_request(r).status == 400);
        r.http_major = 2;
        r.http_minor = 0;
        CHECK(check_upgrade_request(r).ok());
    }

    TEST_CASE("a missing Host gets 400") {
        UpgradeRequest r = valid_request();
        r.host = "";
        HandshakeDecision d = check_upgrade_request(r);
        CHECK(d.error == HandshakeError::MissingHost);
        CHECK(d.status == 400);
        r.host = "  ";
        CHECK(check_upgrade_request(r).error == HandshakeError::MissingHost);
        const std::string response = error_response(d);
        CHECK(response.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        CHECK(response.find("\r\nConnection: close\r\n") != std::string::npos);
        CHECK(response.find("Allow:") == std::string::npos);
        CHECK(response.find("Upgrade:") == std::string::npos);
    }

    TEST_CASE("a request that is not an upgrade gets 426 with Upgrade: websocket") {
        struct Case {
            const char* connection;
            const char* upgrade;
        };
        for (const Case c : {Case{"", ""}, Case{"keep-alive", "websocket"}, Case{"Upgrade", ""},
                             Case{"Upgrade", "h2c"}, Case{"Upgrades", "websocket"}, Case{"Upgrade", "websockets"}}) {
            UpgradeRequest r = valid_request();
            r.connection = c.connection;
            r.upgrade = c.upgrade;
            const HandshakeDecision d = check_upgrade_request(r);
            CHECK(d.error == HandshakeError::NotAnUpgrade);
            CHECK(d.status == 426);
        }
        UpgradeRequest r = valid_request();
        r.upgrade = "";
        const std::string body = "Expected a WebSocket upgrade request\n";
        CHECK(error_response(check_upgrade_request(r)) ==
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Upgrade: websocket\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: " + std::to_string(body.size()) + "\r\n"
              "Connection: Upgrade, close\r\n\r\n" + body);
    }

    TEST_CASE("a version other than 13 gets 426 with Sec-WebSocket-Version: 13") {
        for (const char* version : {"8", "", "12", "14", "13, 8", "013", "13.0"}) {
            UpgradeRequest r = valid_request();
            r.version = version;
            const HandshakeDecision d = check_upgrade_request(r);
            CHECK_MESSAGE(d.error == HandshakeError::UnsupportedVersion, version);
            CHECK(d.status == 426);
        }
        UpgradeRequest r = valid_request();
        r.version = "8";
        const std::string body = "Unsupported Sec-WebSocket-Version (13 expected)\n";
        CHECK(error_response(check_upgrade_request(r)) ==
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Upgrade: websocket\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: " + std::to_string(body.size()) + "\r\n"
              "Connection: Upgrade, close\r\n\r\n" + body);
        r.version = " 13 ";
        CHECK(check_upgrade_request(r).ok());
    }

    TEST_CASE("a key that is not base64 of exactly 16 bytes gets 400") {
        const std::string key15 = key_of_size(15);
        const std::string key16 = key_of_size(16);
        const std::string key17 = key_of_size(17);
        const std::string joined = std::string(kRfcKey) + ", " + std::string(kRfcKey);
        for (const std::string_view key : {std::string_view(key15), std::string_view(key17), std::string_view(""),
                                           std::string_view("dGhlIHNhbXBsZSBub25jZQ="),
                                           std::string_view("dGhlIHNhbXBsZSBub25jZQ=!"),
                                           std::string_view("dGhlIHNhbXBsZSBub25jZR=="),  // bits under padding
                                           std::string_view(joined)}) {
            UpgradeRequest r = valid_request();
            r.key = key;
            const HandshakeDecision d = check_upgrade_request(r);
            CHECK_MESSAGE(d.error == HandshakeError::BadKey, key);
            CHECK(d.status == 400);
        }
        UpgradeRequest r = valid_request();
        r.key = key16;
        CHECK(check_upgrade_request(r).ok());
        r.key = " dGhlIHNhbXBsZSBub25jZQ== ";
        const HandshakeDecision d = check_upgrade_request(r);
        CHECK(d.accept == kRfcAccept);  // hashed without the whitespace
    }

    TEST_CASE("offered subprotocols are listed as trimmed tokens") {
        UpgradeRequest r = valid_request();
        r.protocol = "chat , superchat,,v2.json";
        const HandshakeDecision d = check_upgrade_request(r);
        REQUIRE(d.ok());
        CHECK(d.subprotocols == std::vector<std::string_view>{"chat", "superchat", "v2.json"});
        for (const char* bad : {"chat superchat", "chat, [v1]", "\"chat\""}) {
            r.protocol = bad;
            CHECK_MESSAGE(check_upgrade_request(r).error == HandshakeError::BadProtocolHeader, bad);
        }
    }

    TEST_CASE("permessage-deflate offers are kept in order, other extensions dropped") {
        UpgradeRequest r = valid_request();
        r.extensions = "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits, permessage-deflate";
        const HandshakeDecision d = check_upgrade_request(r);
        REQUIRE(d.ok());
        REQUIRE(d.deflate_offers.size() == 2);
        CHECK(d.deflate_offers[0].params.size() == 1);
        CHECK(d.deflate_offers[0].params[0].name == "client_max_window_bits");
        CHECK(d.deflate_offers[1].params.empty());
        r.extensions = "permessage-deflate; server_max_window_bits=\"10";
        const HandshakeDecision bad = check_upgrade_request(r);
        CHECK(bad.error == HandshakeError::BadExtensionsHeader);
        CHECK(bad.status == 400);
    }

    TEST_CASE("the 101 response carries accept, protocol, extensions and extra headers") {
        std::string out = "previous bytes|";
        const HeaderField extra[] = {{"X-Server", "duplex"}};
        REQUIRE(append_switching_protocols(kRfcAccept, "chat", "permessage-deflate", extra, out));
        CHECK(out ==
              "previous bytes|"
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "Sec-WebSocket-Extensions: permessage-deflate\r\n"
              "X-Server: duplex\r\n"
              "\r\n");
        out.clear();
        REQUIRE(append_switching_protocols(kRfcAccept, "", "", {}, out));
        CHECK(out ==
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "\r\n");
    }

    TEST_CASE("extra headers that could split the response are refused") {
        std::string out = "kept";
        const HeaderField injected[] = {{"X-A", "ok"}, {"X-B", "evil\r\nSet-Cookie: x=1"}};
        CHECK_FALSE(append_switching_protocols(kRfcAccept, "", "", injected, out));
        CHECK(out == "kept");
        const HeaderField bad_name[] = {{"X B", "v"}};
        CHECK_FALSE(append_switching_protocols(kRfcAccept, "", "", bad_name, out));
        const HeaderField nul[] = {{"X-C", std::string_view("a\0b", 3)}};
        CHECK_FALSE(append_header_fields(nul, out));
        CHECK(out == "kept");
    }
}

TEST_SUITE("ws.handshake.client") {
    TEST_CASE("make_client_key gives base64 of 16 fresh bytes") {
        const std::optional<std::string> a = make_client_key();
        const std::optional<std::string> b = make_client_key();
        REQUIRE(a.has_value());
        REQUIRE(b.has_value());
        CHECK(*a != *b);
        std::string bytes;
        CHECK(duplex::detail::base64_decode(*a, bytes));
        CHECK(bytes.size() == 16);
        UpgradeRequest r = valid_request();
        r.key = *a;
        CHECK(check_upgrade_request(r).ok());
    }

    TEST_CASE("the upgrade request has every required header") {
        const std::string_view protocols[] = {"chat", "superchat"};
        const HeaderField extra[] = {{"Origin", "http://example.com"}};
        ClientRequest request;
        request.host = "server.example.com";
        request.target = "/chat?room=1";
        request.key = kRfcKey;
        request.subprotocols = protocols;
        request.deflate.enabled = true;
        request.extra_headers = extra;
        std::string out;
        REQUIRE(append_client_request(request, out));
        CHECK(out ==
              "GET /chat?room=1 HTTP/1.1\r\n"
              "Host: server.example.com\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Protocol: chat, superchat\r\n"
              "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
              "Origin: http://example.com\r\n"
              "\r\n");
    }

    TEST_CASE("the Host header carries a non-default port and brackets IPv6 literals") {
        ClientRequest request;
        request.key = kRfcKey;
        request.host = "::1";
        request.port = 8080;
        std::string out;
        REQUIRE(append_client_request(request, out));
        CHECK(out.starts_with("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n"));
        CHECK(out.find("Sec-WebSocket-Protocol") == std::string::npos);
        CHECK(out.find("Sec-WebSocket-Extensions") == std::string::npos);
    }

    TEST_CASE("malformed client requests are refused") {
        const std::string_view bad_protocol[] = {"a b"};
        const HeaderField bad_header[] = {{"X", "1\n2"}};
        ClientRequest request;
        request.host = "h";
        request.key = kRfcKey;
        std::string out = "kept";
        request.target = "no-slash";
        CHECK_FALSE(append_client_request(request, out));
        request.target = "/a b";
        CHECK_FALSE(append_client_request(request, out));
        request.target = "/";
        request.subprotocols = bad_protocol;
        CHECK_FALSE(append_client_request(request, out));
        request.subprotocols = {};
        request.extra_headers = bad_header;
        CHECK_FALSE(append_client_request(request, out));
        request.extra_headers = {};
        request.host = "";
        CHECK_FALSE(append_client_request(request, out));
        CHECK(out == "kept");
    }

    TEST_CASE("the server's response is checked against what was sent") {
        const std::string_view protocols[] = {"chat", "superchat"};
        ClientRequest sent;
        sent.host = "h";
        sent.key = kRfcKey;
        sent.subprotocols = protocols;
        sent.deflate.enabled = true;
        UpgradeResponse good;
        good.status = 101;
        good.upgrade = "WebSocket";
        good.connection = "upgrade";
        good.accept = kRfcAccept;

        ClientHandshakeResult result = check_upgrade_response(good, sent);
        CHECK(result.ok());
        CHECK(result.subprotocol.empty());
        CHECK_FALSE(result.deflate.has_value());

        UpgradeResponse r = good;
        r.protocol = "superchat";
        r.extensions = "permessage-deflate; server_no_context_takeover; client_max_window_bits=10";
        result = check_upgrade_response(r, sent);
        REQUIRE(result.ok());
        CHECK(result.subprotocol == "superchat");
        REQUIRE(result.deflate.has_value());
        CHECK(result.deflate->server_no_context_takeover);
        CHECK(result.deflate->client_max_window_bits == 10);

        const auto error_of = [&](auto change) {
            UpgradeResponse bad = good;
            change(bad);
            return std::string(check_upgrade_response(bad, sent).error);
        };
        CHECK(error_of([](UpgradeResponse& b) { b.status = 200; }) == "Server did not answer 101 Switching Protocols");
        CHECK(error_of([](UpgradeResponse& b) { b.upgrade = ""; }) == "Server response lacks Upgrade: websocket");
        CHECK(error_of([](UpgradeResponse& b) { b.connection = "close"; }) ==
              "Server response lacks Connection: Upgrade");
        CHECK(error_of([](UpgradeResponse& b) { b.accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOp="; }) ==
              "Sec-WebSocket-Accept does not match our key");
        CHECK(error_of([](UpgradeResponse& b) { b.protocol = "other"; }) ==
              "Server chose a subprotocol we did not offer");
        CHECK(error_of([](UpgradeResponse& b) { b.protocol = "Chat"; }) ==
              "Server chose a subprotocol we did not offer");
        CHECK(error_of([](UpgradeResponse& b) { b.protocol = "chat, superchat"; }) ==
              "Server sent an invalid Sec-WebSocket-Protocol");
        CHECK(error_of([](UpgradeResponse& b) { b.extensions = "x-webkit-deflate-frame"; }) ==
              "Server accepted an extension we did not offer");
        CHECK(error_of([](UpgradeResponse& b) { b.extensions = "permessage-deflate, permessage-deflate"; }) ==
              "Server accepted an extension we did not offer");
        CHECK(error_of([](UpgradeResponse& b) { b.extensions = "permessage-deflate; server_max_window_bits"; }) ==
              "Server sent unacceptable permessage-deflate parameters");
        CHECK(error_of([](UpgradeResponse& b) { b.extensions = "permessage-deflate;"; }) ==
              "Server sent a malformed Sec-WebSocket-Extensions");

        ClientRequest plain = sent;
        plain.subprotocols = {};
        plain.deflate.enabled = false;
        r = good;
        r.protocol = "chat";
        CHECK(std::string(check_upgrade_response(r, plain).error) == "Server chose a subprotocol we did not offer");
        r = good;
        r.extensions = "permessage-deflate";
        CHECK(std::string(check_upgrade_response(r, plain).error) == "Server accepted an extension we did not offer");
    }

    TEST_CASE("client and server agree end to end") {
        const std::optional<std::string> key = make_client_key();
        REQUIRE(key.has_value());
        const std::string_view protocols[] = {"v1", "v2"};
        ClientRequest sent;
        sent.host = "localhost";
        sent.port = 3000;
        sent.key = *key;
        sent.subprotocols = protocols;
        sent.deflate.enabled = true;
        sent.deflate.client_no_context_takeover = true;

        // What the HTTP layer would extract from the request bytes.
        UpgradeRequest request;
        request.method = "GET";
        request.host = "localhost:3000";
        request.connection = "Upgrade";
        request.upgrade = "websocket";
        request.version = "13";
        request.key = *key;
        request.protocol = "v1, v2";
        std::string offer;
        append_deflate_offer(sent.deflate, offer);
        request.extensions = offer;

        const HandshakeDecision d = check_upgrade_request(request);
        REQUIRE(d.ok());
        DeflateConfig server_config;
        server_config.enabled = true;
        server_config.server_max_window_bits = 12;
        std::string extensions;
        const std::optional<DeflateParams> server_params =
            negotiate_deflate(d.deflate_offers, server_config, extensions);
        REQUIRE(server_params.has_value());
        CHECK(extensions == "permessage-deflate; client_no_context_takeover; server_max_window_bits=12");

        UpgradeResponse response;
        response.status = 101;
        response.upgrade = "websocket";
        response.connection = "Upgrade";
        response.accept = d.accept;
        response.protocol = d.subprotocols[1];
        response.extensions = extensions;
        const ClientHandshakeResult result = check_upgrade_response(response, sent);
        REQUIRE(result.ok());
        CHECK(result.subprotocol == "v2");
        REQUIRE(result.deflate.has_value());
        CHECK(*result.deflate == *server_params);
    }
}
