// Sessions (Express's express-session): a signed session-id cookie, the data in a store, `req.session()` as a JSON
// object.
//
//   app.use(duplex::session({.secrets = {"a long random secret"}}));
//   app.post("/login", duplex::body::urlencoded(), [](duplex::Request& req, duplex::Response& res) {
//       duplex::regenerate_session(req);                 // a new id after login (session fixation)
//       req.session()["name"] = *req.form("name");
//       res.json({{"ok", true}});
//   });
//
// How it works. The middleware reads the session cookie, checks its signature (HMAC-SHA256, duplex/cookies.h) and
// loads the data from the store before the next layer runs; a missing, tampered or unknown cookie gives a new, empty
// session. The session is saved when the response's head is written (before the client can send another request):
// changed data is `set` in the store, unchanged data only `touch`ed (rolling expiry); a new session is only stored,
// and its cookie only sent, once it holds something. Changes made after the head was written are not saved.
// The cookie is HttpOnly, SameSite=Lax and Path=/ by default, Secure when the request came over TLS.
//
// Lifetime: the Middleware is a value sharing its configuration and store; copies may go into several Apps (and
// loop threads, with a store that allows it, as MemoryStore does). Threads: the middleware and the functions below
// on the request's loop thread.
#pragma once

#include "duplex/cookies.h"
#include "duplex/request.h"
#include "duplex/router.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace duplex {

/// Where session data lives. Calls come from the loop thread of a request; each answers through its callback exactly
/// once, at once or later (a networked store posts the answer back to that loop with EventLoop::post). `ok == false`
/// says the store failed (not that the session is missing): the request then gets a 500.
///
/// A Redis store, for instance, keeps one hiredis async connection per loop and maps get / set / destroy / touch to
/// GET, SET key value EX ttl, DEL and EXPIRE, with the data as `json.dump()`.
class SessionStore {
public:
    /// Session data as loaded: shared and read-only (the middleware copies it on the first req.session()).
    using Data = std::shared_ptr<const nlohmann::json>;
    /// Answer of get(): ok false when the store failed; data null when no live session has that id.
    using GetDone = std::function<void(bool ok, Data data)>;
    /// Answer of set(), destroy() and touch(): ok false when the store failed.
    using Done = std::function<void(bool ok)>;

    virtual ~SessionStore() = default;
    /// Loads the session stored under `id`.
    virtual void get(const std::string& id, GetDone done) = 0;
    /// Stores `data` under `id`, to expire `ttl` from now.
    virtual void set(const std::string& id, const nlohmann::json& data, std::chrono::seconds ttl, Done done) = 0;
    /// Forgets the session stored under `id`.
    virtual void destroy(const std::string& id, Done done) = 0;
    /// Moves the expiry of a live session to `ttl` from now.
    virtual void touch(const std::string& id, std::chrono::seconds ttl, Done done) = 0;
};

/// Options of MemoryStore.
struct MemoryStoreOptions {
    /// At most this many sessions; storing one more forgets the one used least recently.
    std::size_t max_entries = 10000;
};

/// The built-in store: sessions in this process's memory, expired lazily, bounded by max_entries. Callbacks run
/// before the call returns. Any thread (a mutex guards it), so loop threads may share one. Sessions are lost when
/// the process ends; several processes need a networked store.
class MemoryStore final : public SessionStore {
public:
    /// An empty store.
    explicit MemoryStore(MemoryStoreOptions options = {});
    ~MemoryStore() override;
    /// SessionStore's operations, answered before they return.
    ///@{
    void get(const std::string& id, GetDone done) override;
    void set(const std::string& id, const nlohmann::json& data, std::chrono::seconds ttl, Done done) override;
    void destroy(const std::string& id, Done done) override;
    void touch(const std::string& id, std::chrono::seconds ttl, Done done) override;
    ///@}
    /// Live and not yet swept sessions.
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// When the session cookie gets the Secure attribute.
enum class SecureCookie {
    Auto,    ///< when `SessionOptions::is_secure` says the request came over TLS
    Always,  ///< always (browsers then never send it over plain HTTP)
    Never,   ///< never
};

/// Options of session(); only `secrets` is required.
struct SessionOptions {
    /// Secrets for the cookie's signature: the first signs, every one is accepted (rotation). Required.
    std::vector<std::string> secrets;
    /// Where the data lives; a MemoryStore when null.
    std::shared_ptr<SessionStore> store;
    /// The session cookie's name.
    std::string cookie_name = "duplex.sid";
    /// Idle lifetime: the store's expiry and the cookie's Max-Age, both renewed by every request (rolling expiry).
    std::chrono::seconds max_age = std::chrono::hours(24);
    /// Re-send the cookie on every response so that its Max-Age rolls too. Off: the cookie is sent only when a
    /// session is created or gets a new id, without Max-Age (a cookie the browser keeps until it closes); the store
    /// still forgets the session max_age after its last request.
    bool rolling = true;
    std::string path = "/";                      ///< the cookie's Path
    std::string domain;                          ///< the cookie's Domain (none: this host only)
    SameSite same_site = SameSite::Lax;          ///< the cookie's SameSite
    SecureCookie secure = SecureCookie::Auto;    ///< when the cookie is Secure
    /// Whether a request came over TLS, for SecureCookie::Auto. Null: the connection says (duplex serves no TLS
    /// yet, so never); behind a TLS-terminating proxy, a function that trusts its X-Forwarded-Proto.
    std::function<bool(const Request&)> is_secure;
};

/// The session middleware. Throws std::invalid_argument without secrets.
Middleware session(SessionOptions options);

/// Gives the session a new id, keeping its data (after a login: an id an attacker planted before it is worthless
/// after it). The old id is destroyed in the store; the new one is stored and its cookie sent with this response.
/// `done(ok)` runs once the store has forgotten the old id. Throws Error(500) when no session middleware ran.
void regenerate_session(Request& req, std::function<void(bool ok)> done = {});

/// Ends the session: the store forgets it, req.session() starts empty, and the cookie is cleared with this response
/// (unless new data is put in the session before the response's head is written: that starts a new session).
void destroy_session(Request& req, std::function<void(bool ok)> done = {});

/// The session's id; a new session gets its id here if it has none yet (it is stored only once it holds data).
std::string session_id(const Request& req);

}  // namespace duplex
