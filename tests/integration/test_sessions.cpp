// Sessions through a real server: log in / me / log out, a tampered cookie, fixation (regenerate), rolling expiry,
// saving only what changed, secret rotation, a store that answers later (as a networked one does), and a store
// that fails.
#include "support/raw_client.h"
#include "support/server_thread.h"

#include <doctest/doctest.h>

#include <duplex/session.h>

#include <atomic>
#include <string>

using namespace testing_support;
using namespace std::chrono_literals;

namespace {

// A MemoryStore behind a delay on the loop (every answer comes on a later loop turn), counting the calls.
class DelayedStore final : public duplex::SessionStore {
public:
    explicit DelayedStore(duplex::EventLoop& loop) : loop_(loop) {}
    std::atomic<int> gets{0}, sets{0}, touches{0}, destroys{0};
    std::atomic<bool> failing{false};

    void get(const std::string& id, GetDone done) override {
        ++gets;
        later([this, id, done = std::move(done)] {
            if (failing) return done(false, nullptr);
            inner_.get(id, done);
        });
    }
    void set(const std::string& id, const nlohmann::json& data, std::chrono::seconds ttl, Done done) override {
        ++sets;
        later([this, id, data, ttl, done = std::move(done)] { inner_.set(id, data, ttl, done); });
    }
    void destroy(const std::string& id, Done done) override {
        ++destroys;
        later([this, id, done = std::move(done)] { inner_.destroy(id, done); });
    }
    void touch(const std::string& id, std::chrono::seconds ttl, Done done) override {
        ++touches;
        later([this, id, ttl, done = std::move(done)] { inner_.touch(id, ttl, done); });
    }

private:
    void later(std::function<void()> fn) { loop_.set_timeout(1ms, std::move(fn)); }
    duplex::EventLoop& loop_;
    duplex::MemoryStore inner_;
};

HttpResponse fetch(int port, const std::string& method, const std::string& target, const std::string& cookie = "",
                   const std::string& form = "") {
    std::string head = method + " " + target + " HTTP/1.1\r\nHost: t\r\n";
    if (!cookie.empty()) head += "Cookie: " + cookie + "\r\n";
    if (method == "POST") head += "Content-Type: application/x-www-form-urlencoded\r\n";
    auto r = http_request(port, head + "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n" + form);
    REQUIRE(r);
    return *r;
}

// "name=value" of the only Set-Cookie line (what a browser sends back).
std::string cookie_of(const HttpResponse& r) {
    const auto lines = r.all("set-cookie");
    REQUIRE(lines.size() == 1);
    return lines[0].substr(0, lines[0].find(';'));
}

void add_routes(duplex::Router& r) {
    r.post("/login", duplex::body::urlencoded(), [](duplex::Request& req, duplex::Response& res) {
        duplex::regenerate_session(req);
        req.session()["name"] = std::string(req.form("name").value_or(""));
        res.json({{"id", duplex::session_id(req)}});
    });
    r.get("/me", [](duplex::Request& req, duplex::Response& res) {
        const auto& s = req.session();
        if (!s.contains("name")) throw duplex::Error(401, "not signed in");
        res.json({{"name", s["name"]}, {"id", duplex::session_id(req)}});
    });
    r.post("/logout", [](duplex::Request& req, duplex::Response& res) {
        duplex::destroy_session(req, [res](bool ok) mutable { res.json({{"ok", ok}}); });
    });
    r.post("/count", [](duplex::Request& req, duplex::Response& res) {
        auto& s = req.session();
        s["n"] = s.value("n", 0) + 1;
        res.json(s);
    });
    r.get("/plain", [](duplex::Request&, duplex::Response& res) { res.send("no session used"); });
}

struct Fixture {
    std::shared_ptr<DelayedStore> store;
    std::shared_ptr<duplex::MemoryStore> shared = std::make_shared<duplex::MemoryStore>();
    ServerThread server;
    Fixture()
        : server([this](duplex::App& app, duplex::WsServer&) {
              store = std::make_shared<DelayedStore>(app.loop());
              duplex::Router main, old_secret, new_secret, fixed;
              add_routes(main);
              add_routes(old_secret);
              add_routes(new_secret);
              add_routes(fixed);
              app.use("/s", duplex::session({.secrets = {"s3cret"}, .store = store, .max_age = 600s}));
              app.use("/s", main);
              // Two session middlewares sharing one store, before and after a secret rotation.
              app.use("/old", duplex::session({.secrets = {"old"}, .store = shared}));
              app.use("/old", old_secret);
              app.use("/new", duplex::session({.secrets = {"new", "old"}, .store = shared}));
              app.use("/new", new_secret);
              app.use("/retired", duplex::session({.secrets = {"new"}, .store = shared}));
              app.use("/retired", fixed);
              app.use("/fixed", duplex::session({.secrets = {"k"}, .rolling = false, .path = "/fixed",
                                                 .secure = duplex::SecureCookie::Always}));
              app.use("/fixed", fixed);
              app.get("/nosession", [](duplex::Request& req, duplex::Response& res) { res.json(req.session()); });
          }) {}
};

}  // namespace

TEST_SUITE("session") {

TEST_CASE_FIXTURE(Fixture, "log in, me, log out; the old cookie is worthless afterwards") {
    const int port = server.http_port();
    auto r = fetch(port, "GET", "/s/me");
    CHECK(r.status == 401);
    CHECK(r.all("set-cookie").empty());  // nothing stored, nothing sent for an empty session

    r = fetch(port, "POST", "/s/login", "", "name=ada");
    CHECK(r.status == 200);
    const auto lines = r.all("set-cookie");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("duplex.sid=") == 0);
    CHECK(lines[0].find("; Max-Age=600; Path=/; HttpOnly; SameSite=Lax") != std::string::npos);
    CHECK(lines[0].find("Secure") == std::string::npos);  // plain HTTP
    const std::string cookie = cookie_of(r);
    const std::string id = nlohmann::json::parse(r.body)["id"];
    CHECK(id.size() == 43);

    r = fetch(port, "GET", "/s/me", cookie);
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"name", "ada"}, {"id", id}});
    CHECK(cookie_of(r) == cookie);  // rolling: the same cookie again, with a fresh Max-Age

    r = fetch(port, "POST", "/s/logout", cookie);
    CHECK(r.status == 200);
    CHECK(r.all("set-cookie") == std::vector<std::string>{
                                "duplex.sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax"});
    r = fetch(port, "GET", "/s/me", cookie);
    CHECK(r.status == 401);
}

TEST_CASE_FIXTURE(Fixture, "a tampered cookie is a new session: 401, and the cookie is cleared") {
    const int port = server.http_port();
    const std::string cookie = cookie_of(fetch(port, "POST", "/s/login", "", "name=ada"));
    const std::size_t dot = cookie.rfind('.');
    for (const std::string& bad : {
             cookie.substr(0, 12) + (cookie[12] == 'A' ? "B" : "A") + cookie.substr(13),  // the id changed
             cookie.substr(0, cookie.size() - 1) + (cookie.back() == 'A' ? "B" : "A"),    // the signature changed
             cookie.substr(0, dot + 10),                                                  // signature truncated
             cookie.substr(0, dot),                                                       // no signature at all
             std::string("duplex.sid=") + std::string(87, 'A'),
         }) {
        auto r = fetch(port, "GET", "/s/me", bad);
        CHECK_MESSAGE(r.status == 401, bad);
        CHECK(r.all("set-cookie").size() == 1);
        CHECK(r.all("set-cookie")[0].find("duplex.sid=; Expires=Thu, 01 Jan 1970") == 0);
    }
    CHECK(fetch(port, "GET", "/s/me", cookie).status == 200);
}

TEST_CASE_FIXTURE(Fixture, "regenerate: a fixed (planted) session id stops working at login") {
    const int port = server.http_port();
    auto r = fetch(port, "POST", "/s/count");
    const std::string planted = cookie_of(r);
    r = fetch(port, "POST", "/s/login", planted, "name=victim");
    const std::string after = cookie_of(r);
    CHECK(after != planted);
    CHECK(fetch(port, "GET", "/s/me", after).status == 200);
    r = fetch(port, "GET", "/s/me", planted);
    CHECK(r.status == 401);
    // regenerate keeps the data: the count survived the login.
    r = fetch(port, "POST", "/s/count", after);
    CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"n", 2}, {"name", "victim"}});
}

TEST_CASE_FIXTURE(Fixture, "saved only when changed; touched otherwise; a session unused is free") {
    const int port = server.http_port();
    const std::string cookie = cookie_of(fetch(port, "POST", "/s/count"));
    const int sets = store->sets, touches = store->touches;
    CHECK(fetch(port, "GET", "/s/me", cookie).status == 401);  // read, unchanged
    CHECK(store->sets == sets);
    CHECK(store->touches == touches + 1);
    CHECK(nlohmann::json::parse(fetch(port, "POST", "/s/count", cookie).body)["n"] == 2);
    CHECK(store->sets == sets + 1);
    const int gets = store->gets;
    auto r = fetch(port, "GET", "/s/plain");
    CHECK(r.body == "no session used");
    CHECK(store->gets == gets);
    CHECK(r.all("set-cookie").empty());
}

TEST_CASE_FIXTURE(Fixture, "secret rotation: a cookie signed with the old secret is accepted after the rotation") {
    const int port = server.http_port();
    const std::string cookie = cookie_of(fetch(port, "POST", "/old/login", "", "name=ada"));
    CHECK(fetch(port, "GET", "/new/me", cookie).status == 200);
    CHECK(fetch(port, "GET", "/retired/me", cookie).status == 401);
    // Sessions made after the rotation are signed with the new secret.
    const std::string fresh = cookie_of(fetch(port, "POST", "/new/login", "", "name=grace"));
    CHECK(fetch(port, "GET", "/retired/me", fresh).status == 200);
    CHECK(fetch(port, "GET", "/old/me", fresh).status == 401);
}

TEST_CASE_FIXTURE(Fixture, "options: rolling off, a path, Secure always") {
    const int port = server.http_port();
    auto r = fetch(port, "POST", "/fixed/login", "", "name=ada");
    const auto lines = r.all("set-cookie");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("; Path=/fixed; Secure; HttpOnly; SameSite=Lax") != std::string::npos);
    CHECK(lines[0].find("Max-Age") == std::string::npos);  // not rolling: a browser-session cookie
    r = fetch(port, "GET", "/fixed/me", cookie_of(r));
    CHECK(r.status == 200);
    CHECK(r.all("set-cookie").empty());
}

TEST_CASE_FIXTURE(Fixture, "a failing store is a 500; req.session() without the middleware is a 500") {
    const int port = server.http_port();
    const std::string cookie = cookie_of(fetch(port, "POST", "/s/login", "", "name=ada"));
    store->failing = true;
    CHECK(fetch(port, "GET", "/s/me", cookie).status == 500);
    store->failing = false;
    CHECK(fetch(port, "GET", "/s/me", cookie).status == 200);
    CHECK(fetch(port, "GET", "/nosession").status == 500);
}

}  // TEST_SUITE
