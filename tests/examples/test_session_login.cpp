// examples/session_login against the running binary, as a browser without a page would use it: the session cookie
// kept by duplex::testing::TestClient's jar, 401 before login and after logout, 400 for an empty name, and the
// page's form flow (303 back to /) followed. Chromium judges the same app in tests/browser/session_browser_test.mjs.
#include "examples/example_process.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace testing_support;
using nlohmann::json;

TEST_SUITE("examples") {

TEST_CASE("session_login: log in, stay known through the cookie, log out") {
    ExampleProcess app("session_login");
    REQUIRE(app.port() > 0);
    auto& client = app.client();
    CHECK(client.get("/me").send().status == 401);
    CHECK(client.post("/login").form({{"name", ""}}).send().status == 400);
    auto login = client.post("/login").form({{"name", "Ada L"}}).send();
    CHECK(login.status == 200);
    CHECK(login.json() == json{{"name", "Ada L"}});
    CHECK(login.header("set-cookie").find("HttpOnly") != std::string::npos);
    CHECK(client.cookie("duplex.sid"));
    CHECK(client.get("/me").send().json() == json{{"name", "Ada L"}});
    CHECK(client.post("/logout").send().json() == json{{"signed_out", true}});
    CHECK(client.get("/me").send().status == 401);

    // The page's form: a 303 to /, which the client follows when asked, with the session already set.
    auto page = client.post("/login").header("Accept", "text/html").form({{"name", "Bo"}}).follow_redirects().send();
    CHECK(page.status == 200);
    CHECK(page.header("content-type").find("text/html") == 0);
    CHECK(client.get("/me").send().json()["name"] == "Bo");
    CHECK(app.stop() == 0);
}

}  // TEST_SUITE
