// session_login: a login kept in a session (a signed, HttpOnly session cookie; the data in the server's memory).
//
//   GET  /         a page: a login form, or "Signed in as NAME" and a log-out button
//   POST /login    an urlencoded form with a non-empty field `name`: starts a session (400 without the field)
//   GET  /me       {"name": "..."} while signed in, else 401 {"error": "not signed in"}
//   POST /logout   ends the session: the store forgets it and the cookie is cleared
//
// /login and /logout answer a browser's form (Accept: text/html) with a redirect to /, anything else with JSON.
// A cookie whose signature does not match (tampered, or signed with another secret) is a new, empty session: 401.
//
//   build/examples/session_login/session_login --port 3000
//   curl -c jar -d name=ada localhost:3000/login && curl -b jar localhost:3000/me
//
// The signing secret comes from the environment (SESSION_SECRET); without it a random one is made at start-up, so
// sessions end when the process does (they live in its memory anyway).
#include <duplex/duplex.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

std::string signing_secret() {
    if (const char* env = std::getenv("SESSION_SECRET"); env && *env) return env;
    std::random_device os_random;  // the kernel's random source on Linux
    std::string secret;
    for (int i = 0; i < 8; ++i) secret += std::to_string(os_random());
    return secret;
}

// Text with the five characters HTML gives a meaning escaped: the name is the user's input.
std::string html_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

bool wants_html(const duplex::Request& req) { return req.header("accept").find("text/html") != std::string_view::npos; }

// The session's name, or "" when not signed in.
std::string signed_in_name(duplex::Request& req) {
    const nlohmann::json& session = req.session();
    auto it = session.find("name");
    return it != session.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

int main(int argc, char** argv) {
    int port = examples::port_flag(argc, argv, 3000);
    if (port < 0) {
        std::fputs("usage: session_login [--port N]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;
    duplex::App app(loop);

    // Every request gets req.session(): loaded from the store when its cookie is valid, else a new empty one.
    app.use(duplex::session({.secrets = {signing_secret()}, .max_age = std::chrono::hours(1)}));

    app.get("/", [](duplex::Request& req, duplex::Response& res) {
        const std::string name = signed_in_name(req);
        std::string page = "<!doctype html><meta charset=utf-8><title>session_login</title>\n";
        if (name.empty()) {
            page += "<form method=post action=/login><input name=name id=name autofocus>"
                    "<button id=login>Sign in</button></form>\n";
        } else {
            page += "<p id=who>Signed in as " + html_escape(name) + "</p>\n"
                    "<form method=post action=/logout><button id=logout>Sign out</button></form>\n";
        }
        res.type("text/html; charset=utf-8").send(page);
    });

    app.post("/login", duplex::body::urlencoded({.limit = 4096, .max_fields = 8}),
             [](duplex::Request& req, duplex::Response& res) {
        const auto name = req.form("name");
        if (!name || name->empty()) throw duplex::Error(400, "the form needs a non-empty field 'name'");
        // A new id at the moment the privilege changes: an id planted before the login (session fixation) is
        // worth nothing after it.
        duplex::regenerate_session(req);
        req.session()["name"] = std::string(*name);
        if (wants_html(req)) res.redirect("/", 303);
        else res.json({{"name", *name}});
    });

    app.get("/me", [](duplex::Request& req, duplex::Response& res) {
        const std::string name = signed_in_name(req);
        if (name.empty()) throw duplex::Error(401, "not signed in");
        res.json({{"name", name}});
    });

    app.post("/logout", [](duplex::Request& req, duplex::Response& res) {
        duplex::destroy_session(req);
        if (wants_html(req)) res.redirect("/", 303);
        else res.json({{"signed_out", true}});
    });

    app.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
        res.status(e.status()).json({{"error", e.status() >= 500 ? "internal error" : e.message()}});
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = port}); rc != 0) {
        std::fprintf(stderr, "session_login: cannot listen on port %d: %s\n", port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%d\n", app.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
