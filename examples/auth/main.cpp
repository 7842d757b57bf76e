// auth: bearer tokens on a sub-router, with JSON errors.
//
//   GET  /health            public: {"ok": true}
//   GET  /api/me            any valid token: {"user": NAME, "role": ROLE}
//   POST /api/admin/reset   an admin's token only: {"reset": true}
//
// Without an "Authorization: Bearer TOKEN" header, or with an unknown token, /api answers 401 with a
// WWW-Authenticate challenge (RFC 6750); a known token without the right role gets 403. These errors are JSON
// bodies {"error": "..."} built by one error layer. (A path no route matches never enters the error layers: the
// built-in final handler answers 404, or 405 with Allow, as JSON when the client's Accept names JSON.)
//
// The tokens are fixed here to keep the example short; a real app would verify a signed token or look it up.
//
//   build/examples/auth/auth --port 3000
//   curl -H 'Authorization: Bearer admin-token' -X POST localhost:3000/api/admin/reset
#include <duplex/duplex.h>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

struct User {
    std::string name;
    std::string role;  // "admin" or "reader"
};

const std::map<std::string, User, std::less<>> tokens = {
    {"admin-token", {"ada", "admin"}},
    {"reader-token", {"rob", "reader"}},
};

// The token of an "Authorization: Bearer TOKEN" header ("" when there is none). The scheme is case-insensitive.
std::string_view bearer_token(const duplex::Request& req) {
    std::string_view h = req.header("authorization");
    constexpr std::string_view scheme = "bearer ";
    if (h.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(h[i])) != scheme[i]) return {};
    return h.substr(scheme.size());
}

// Middleware: lets a request with a known token through, else fails it with 401. The challenge header goes on the
// response before next(err): the error layer then only sets the status and the body, so the header stays.
void require_token(duplex::Request& req, duplex::Response& res, duplex::Next next) {
    std::string_view token = bearer_token(req);
    auto it = tokens.find(token);
    if (it == tokens.end()) {
        res.set("WWW-Authenticate", token.empty() ? R"(Bearer realm="example")"
                                                  : R"(Bearer realm="example", error="invalid_token")");
        return next(duplex::Error(401, token.empty() ? "a bearer token is required" : "unknown token"));
    }
    next();
}

// The user the request's token belongs to (only called behind require_token).
const User& current_user(const duplex::Request& req) { return tokens.find(bearer_token(req))->second; }

// Middleware factory: 403 unless the user has `role`. Throwing works as well as next(err).
duplex::Middleware require_role(std::string role) {
    return [role](duplex::Request& req, duplex::Response&, duplex::Next next) {
        if (current_user(req).role != role) throw duplex::Error(403, "this needs the '" + role + "' role");
        next();
    };
}

}  // namespace

int main(int argc, char** argv) {
    int port = examples::port_flag(argc, argv, 3000);
    if (port < 0) {
        std::fputs("usage: auth [--port N]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;
    duplex::App app(loop);

    app.get("/health", [](duplex::Request&, duplex::Response& res) { res.json({{"ok", true}}); });

    // Everything under /api goes through require_token first: it is the sub-router's first layer.
    duplex::Router api;
    api.use(require_token);
    api.get("/me", [](duplex::Request& req, duplex::Response& res) {
        const User& u = current_user(req);
        res.json({{"user", u.name}, {"role", u.role}});
    });
    // Several functions on one route run in order: the role check, then the handler.
    api.post("/admin/reset", require_role("admin"),
             [](duplex::Request&, duplex::Response& res) { res.json({{"reset", true}}); });
    app.use("/api", api);

    // Error layers run only while an error is pending (thrown, or passed to next(err)), in order. The first one
    // logs server errors; the second answers every error as JSON.
    app.use_error([](const duplex::Error& e, duplex::Request& req, duplex::Response&, duplex::Next next) {
        if (e.status() >= 500)
            std::fprintf(stderr, "auth: %.*s: %s\n", int(req.path().size()), req.path().data(), e.message().c_str());
        next(e);  // pass the same error on
    });
    app.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
        res.status(e.status()).json({{"error", e.status() >= 500 ? "internal error" : e.message()}});
    });

    if (int rc = app.listen({.host = "127.0.0.1", .port = port}); rc != 0) {
        std::fprintf(stderr, "auth: cannot listen on port %d: %s\n", port, duplex::error_text(rc).c_str());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%d\n", app.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });
    return loop.run();
}
