// Python's http.cookiejar (urllib + HTTPCookieProcessor) as the client: it stores what duplex sets, sends it back,
// and drops what duplex clears (tests/peers/cookiejar_client.py).
#include "support/process.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <duplex/session.h>

using namespace testing_support;

TEST_SUITE("session") {

TEST_CASE("http.cookiejar round trips: a session and an encoded cookie") {
    if (!have_program("/usr/bin/python3")) {
        MESSAGE("no /usr/bin/python3: skipped");
        return;
    }
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.use("/s", duplex::session({.secrets = {"jar secret"}}));
        app.post("/s/login", duplex::body::urlencoded(), [](duplex::Request& req, duplex::Response& res) {
            duplex::regenerate_session(req);
            req.session()["name"] = std::string(req.form("name").value_or(""));
            res.send("in");
        });
        app.get("/s/me", [](duplex::Request& req, duplex::Response& res) {
            if (!req.session().contains("name")) throw duplex::Error(401, "not signed in");
            res.json({{"name", req.session()["name"]}});
        });
        app.post("/s/logout", [](duplex::Request& req, duplex::Response& res) {
            duplex::destroy_session(req);
            res.send("out");
        });
        app.get("/set", [](duplex::Request& req, duplex::Response& res) {
            res.cookie("awkward", req.query("v").value_or(""));
            res.send("set");
        });
        app.get("/echo", [](duplex::Request& req, duplex::Response& res) {
            nlohmann::json out = nlohmann::json::object();
            for (const auto& [k, v] : req.cookies()) out[k] = v;
            res.json(out);
        });
    });
    // Not a structured binding: clang before 16 cannot capture one in REQUIRE_MESSAGE.
    const auto result = run_command({"/usr/bin/python3", source_root() + "/tests/peers/cookiejar_client.py",
                                     std::to_string(server.http_port())});
    const int code = result.first;
    const std::string& output = result.second;
    REQUIRE_MESSAGE(code == 0, output);
    const auto seen = nlohmann::json::parse(output);
    CHECK(seen["me_before"] == 401);
    CHECK(seen["login"] == 200);
    CHECK(seen["jar_after_login"] == nlohmann::json::parse(
                                         R"([{"name":"duplex.sid","path":"/","http_only":true,"expires_set":true}])"));
    CHECK(seen["me"][0] == 200);
    CHECK(nlohmann::json::parse(seen["me"][1].get<std::string>()) ==
          nlohmann::json{{"name", "Ada Lovelace & co; =%"}});
    CHECK(seen["logout"] == 200);
    CHECK(seen["jar_after_logout"] == nlohmann::json::array());
    CHECK(seen["me_after"] == 401);
    CHECK(seen["echo"] == nlohmann::json{{"awkward", seen["awkward"]}});
}

}  // TEST_SUITE
