// Cookies through a real server: Cookie lines read (several lines, malformed pairs, a 16 KiB header of 1,000
// pairs), Set-Cookie written (attributes, encoding, refusals), header injection attempts, signed cookies, and
// body::urlencoded's answers.
#include "support/http_checks.h"
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <duplex/cookies.h>

#include <string>

using namespace testing_support;

namespace {

nlohmann::json pairs_json(const duplex::Request::Pairs& pairs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [k, v] : pairs) out.push_back({k, v});
    return out;
}

struct Fixture {
    duplex::CookieSigner signer{{"current secret", "previous secret"}};
    ServerThread server;
    Fixture()
        : server(
              [this](duplex::App& app, duplex::WsServer&) {
                  app.get("/echo", [](duplex::Request& req, duplex::Response& res) {
                      res.json({{"cookies", pairs_json(req.cookies())},
                                {"last", req.cookie("k999").value_or("(none)")}});
                  });
                  app.get("/set", [](duplex::Request& req, duplex::Response& res) {
                      res.cookie("plain", req.query("v").value_or("a b;c"));
                      res.cookie("strict", "1", {.path = "/app", .http_only = true,
                                                 .same_site = duplex::SameSite::Strict});
                      res.clear_cookie("gone");
                      res.send("set");
                  });
                  app.get("/bad-name", [](duplex::Request&, duplex::Response& res) {
                      res.cookie("a b", "v");
                      res.send("unreachable");
                  });
                  app.get("/bad-path", [](duplex::Request& req, duplex::Response& res) {
                      res.cookie("p", "v", {.path = std::string(req.query("p").value_or(""))});
                      res.send("unreachable");
                  });
                  app.get("/signed/set", [this](duplex::Request&, duplex::Response& res) {
                      res.cookie("uid", signer.sign("42"), {.http_only = true});
                      res.send("ok");
                  });
                  app.get("/signed/get", [this](duplex::Request& req, duplex::Response& res) {
                      const auto uid = signer.unsign(req.cookie("uid").value_or(""));
                      if (!uid) throw duplex::Error(401, "bad signature");
                      res.send(std::string(*uid));
                  });
                  app.post("/form", duplex::body::urlencoded({.limit = 64, .max_fields = 3}),
                           [](duplex::Request& req, duplex::Response& res) {
                               res.json({{"fields", pairs_json(req.form_params())},
                                         {"name", req.form("name").value_or("(none)")}});
                           });
              },
              duplex::HttpOptions{.max_header_bytes = 32 * 1024}) {}
};

}  // namespace

TEST_SUITE("cookies") {

TEST_CASE_FIXTURE(Fixture, "every Cookie line is read; malformed pairs are skipped, not a 500") {
    auto r = http_fetch(server.http_port(), "GET", "/echo",
                        "Cookie: a=1; junk; =x; b=%41%42\r\nCookie: c=\"q\"; a=2;;\r\n");
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body)["cookies"] ==
          nlohmann::json::parse(R"([["a","1"],["b","AB"],["c","q"],["a","2"]])"));
}

TEST_CASE_FIXTURE(Fixture, "hostile: a 16 KiB Cookie header of 1,000 pairs") {
    std::string header;
    for (int i = 0; i < 1000; ++i)
        header.append("k").append(std::to_string(i)).append("=v").append(8, 'x').append("; ");
    header.resize(header.size() - 2);
    header += std::string(16 * 1024 - header.size(), 'y');  // the last value takes the rest: exactly 16 KiB
    REQUIRE(header.size() == 16 * 1024);
    auto r = http_fetch(server.http_port(), "GET", "/echo", "Cookie: " + header + "\r\n");
    CHECK(r.status == 200);
    const auto body = nlohmann::json::parse(r.body);
    CHECK(body["cookies"].size() == 1000);
    CHECK(body["last"].get<std::string>().size() == 16 * 1024 - header.rfind('=') - 1);
}

TEST_CASE_FIXTURE(Fixture, "Set-Cookie lines: attributes, encoded values, clear_cookie") {
    auto r = http_fetch(server.http_port(), "GET", "/set");
    CHECK(r.status == 200);
    CHECK(r.all("set-cookie") == std::vector<std::string>{
                                "plain=a%20b%3Bc; Path=/",
                                "strict=1; Path=/app; HttpOnly; SameSite=Strict",
                                "gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
                            });
}

TEST_CASE_FIXTURE(Fixture, "hostile: a cookie value with CRLF cannot inject a header") {
    // The value arrives percent-decoded from the query: "x\r\nSet-Cookie: admin=1\r\nX-Injected: 1".
    auto r = http_fetch(server.http_port(), "GET", "/set?v=x%0D%0ASet-Cookie:%20admin=1%0D%0AX-Injected:%201");
    CHECK(r.status == 200);
    CHECK_FALSE(r.has("x-injected"));
    const auto lines = r.all("set-cookie");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "plain=x%0D%0ASet-Cookie:%20admin=1%0D%0AX-Injected:%201; Path=/");
    // A path that would add an attribute or a line is refused (500), never written.
    r = http_fetch(server.http_port(), "GET", "/bad-path?p=/%0D%0AX-Injected:%201");
    CHECK(r.status == 500);
    CHECK_FALSE(r.has("x-injected"));
    CHECK_FALSE(r.has("set-cookie"));
    r = http_fetch(server.http_port(), "GET", "/bad-path?p=/;%20Domain=evil.example");
    CHECK(r.status == 500);
    CHECK_FALSE(r.has("set-cookie"));
    CHECK(http_fetch(server.http_port(), "GET", "/bad-name").status == 500);
    // A raw CR inside a Cookie line is a malformed request: 400 from the HTTP parser, not a 500.
    auto bad = http_request(server.http_port(), "GET /echo HTTP/1.1\r\nHost: t\r\nCookie: a=1\rX: y\r\n\r\n");
    REQUIRE(bad);
    CHECK(bad->status == 400);
}

TEST_CASE_FIXTURE(Fixture, "signed cookies: accepted as signed, refused when tampered or signed with another key") {
    auto r = http_fetch(server.http_port(), "GET", "/signed/set");
    const auto lines = r.all("set-cookie");
    REQUIRE(lines.size() == 1);
    const std::string value = lines[0].substr(4, lines[0].find(';') - 4);
    CHECK(http_fetch(server.http_port(), "GET", "/signed/get", "Cookie: uid=" + value + "\r\n").body == "42");
    std::string tampered = value;
    tampered[0] = '7';  // "72.<signature of 42>"
    CHECK(http_fetch(server.http_port(), "GET", "/signed/get", "Cookie: uid=" + tampered + "\r\n").status == 401);
    const std::string cut = value.substr(0, value.size() - 1);
    CHECK(http_fetch(server.http_port(), "GET", "/signed/get", "Cookie: uid=" + cut + "\r\n").status == 401);
    const std::string by_previous = duplex::CookieSigner({"previous secret"}).sign("41");
    CHECK(http_fetch(server.http_port(), "GET", "/signed/get", "Cookie: uid=" + by_previous + "\r\n").body == "41");
    const std::string by_stranger = duplex::CookieSigner({"someone else"}).sign("41");
    CHECK(http_fetch(server.http_port(), "GET", "/signed/get", "Cookie: uid=" + by_stranger + "\r\n").status == 401);
}

TEST_CASE_FIXTURE(Fixture, "body::urlencoded: fields, 400 on a bad escape, 413 over the limits, other types untouched") {
    const std::string form = "Content-Type: application/x-www-form-urlencoded\r\n";
    auto r = http_fetch(server.http_port(), "POST", "/form", form, "name=ada+lovelace&x=%31&name=2");
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body) ==
          nlohmann::json::parse(R"({"fields":[["name","ada lovelace"],["x","1"],["name","2"]],"name":"ada lovelace"})"));
    CHECK(http_fetch(server.http_port(), "POST", "/form", form, "name=%E2%82").status == 200);
    CHECK(http_fetch(server.http_port(), "POST", "/form", form, "name=%zz").status == 400);
    CHECK(http_fetch(server.http_port(), "POST", "/form", form, "a&b&c&d").status == 413);
    CHECK(http_fetch(server.http_port(), "POST", "/form", form, "a=" + std::string(80, 'x')).status == 413);
    r = http_fetch(server.http_port(), "POST", "/form", "Content-Type: text/plain\r\n", "name=%zz");
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body)["name"] == "(none)");
}

}  // TEST_SUITE
