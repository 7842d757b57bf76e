#pragma once
// The per-request state of the session middleware, owned by the Request (Request::session_) from the middleware
// until the request is cleared. Threads: the request's loop thread.

#include "duplex/cookies.h"
#include "duplex/request.h"
#include "duplex/session.h"

#include <memory>
#include <string>

namespace duplex::detail {

// What one session middleware was built with, shared by its requests.
struct SessionConfig {
    SessionOptions options;
    CookieSigner signer;
    // Made once, so that a response spends no formatting on them; [0] without Secure, [1] with it.
    std::string cookie_attributes[2];  // "; Max-Age=...; Path=/; HttpOnly; SameSite=Lax"
    std::string clear_value[2];        // the whole Set-Cookie value that clears the cookie
};

struct SessionState {
    std::shared_ptr<const SessionConfig> config;
    std::string id;                 // "" until a new session is given one
    std::string_view client_cookie; // the signed value the client sent (in the Request's cookies), when it held this
                                    // live session: only base64url characters and '.', as its signature matched
    SessionStore::Data loaded;      // the stored data; null for a new session
    nlohmann::json data;            // the data handed to the application, once it asked for it
    bool accessed = false;          // `data` is a copy of `loaded` (or a new object)
    bool sent_cookie = false;       // the client sent a cookie of this name, valid or not

    nlohmann::json& access();
    // The id, made now (32 CSPRNG bytes in base64url) for a session that has none yet.
    const std::string& ensure_id();
    // The session becomes a new one; its data and id are dropped, the old id destroyed in the store.
    void forget_stored(std::function<void(bool)> done);
};

// The Request's session slot, for the middleware and the functions of session.h.
struct SessionAccess {
    static std::shared_ptr<SessionState>& slot(Request& req) noexcept { return req.session_; }
    static SessionState* state(const Request& req) noexcept { return req.session_.get(); }
};

}  // namespace duplex::detail
