// The session middleware: loading a session from its signed cookie, and the session functions of the public API.
#include "duplex/session.h"

#include "cookies/cookie_header.h"
#include "http/middleware_access.h"
#include "middleware/session_save.h"
#include "middleware/session_state.h"
#include "util/base64.h"
#include "util/random.h"

#include <array>

#include <stdexcept>

namespace duplex {

using detail::SessionAccess;
using detail::SessionState;

namespace {

// Ids are 32 CSPRNG bytes in base64url: 43 characters of [A-Za-z0-9_-].
bool is_session_id(std::string_view id) {
    if (id.size() != 43) return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

SessionState& state_of(const Request& req) {
    SessionState* st = SessionAccess::state(req);
    if (!st) throw Error(500, "no session middleware ran for this request (use duplex::session())");
    return *st;
}

std::shared_ptr<const detail::SessionConfig> make_config(SessionOptions options) {
    if (options.secrets.empty()) throw std::invalid_argument("duplex::session needs at least one secret");
    if (!options.store) options.store = std::make_shared<MemoryStore>();
    CookieSigner signer(options.secrets);
    auto config =
        std::make_shared<detail::SessionConfig>(detail::SessionConfig{std::move(options), std::move(signer), {}, {}});
    const SessionOptions& o = config->options;
    CookieOptions cookie{.path = o.path, .domain = o.domain, .http_only = true, .same_site = o.same_site};
    if (o.rolling) cookie.max_age = o.max_age;
    for (const bool secure : {false, true}) {
        cookie.secure = secure;
        // A bad name, path or domain throws here rather than on the first response.
        config->cookie_attributes[secure] =
            detail::format_set_cookie(o.cookie_name, "", cookie).substr(o.cookie_name.size() + 1);
        config->clear_value[secure] = detail::format_clear_cookie(o.cookie_name, cookie);
    }
    return config;
}

}  // namespace

nlohmann::json& Request::session() { return state_of(*this).access(); }

namespace detail {

nlohmann::json& SessionState::access() {
    if (!accessed) {
        data = loaded && loaded->is_object() ? *loaded : nlohmann::json::object();
        accessed = true;
    }
    return data;
}

const std::string& SessionState::ensure_id() {
    if (id.empty()) {
        std::array<unsigned char, 32> bytes{};
        if (!fill_random(bytes.data(), bytes.size())) throw Error(500, "the CSPRNG failed");
        base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), id);
    }
    return id;
}

void SessionState::forget_stored(std::function<void(bool)> done) {
    const std::string old_id = std::move(id);
    id.clear();
    loaded = nullptr;
    client_cookie = {};
    if (old_id.empty()) {
        if (done) done(true);
        return;
    }
    config->options.store->destroy(old_id, [done = std::move(done)](bool ok) {
        if (done) done(ok);
    });
}

}  // namespace detail

Middleware session(SessionOptions options) {
    return [config = make_config(std::move(options))](Request& req, Response& res, Next next) {
        auto& slot = SessionAccess::slot(req);
        if (slot) {  // a second session middleware on the same request: the first one owns the session
            next();
            return;
        }
        slot = std::make_shared<SessionState>();
        slot->config = config;
        detail::MiddlewareAccess::on_headers(res, &detail::save_session);

        const auto cookie = req.cookie(config->options.cookie_name);
        if (!cookie) {
            next();
            return;
        }
        slot->sent_cookie = true;
        const auto id = config->signer.unsign(*cookie);
        if (!id || !is_session_id(*id)) {  // tampered, or signed with a secret no longer listed: a new session
            next();
            return;
        }
        // The id and the client's cookie go in first; a store that does not know the id leaves a new session.
        slot->id.assign(*id);
        slot->client_cookie = *cookie;
        config->options.store->get(slot->id, [st = slot, next](bool ok, SessionStore::Data data) {
            if (!ok) {
                next(Error(500, "session store failed"));
                return;
            }
            if (data) {
                st->loaded = std::move(data);
            } else {
                st->id.clear();
                st->client_cookie = {};
            }
            next();
        });
    };
}

void regenerate_session(Request& req, std::function<void(bool ok)> done) {
    SessionState& st = state_of(req);
    st.access();
    st.forget_stored(std::move(done));
    st.ensure_id();
}

void destroy_session(Request& req, std::function<void(bool ok)> done) {
    SessionState& st = state_of(req);
    st.data = nlohmann::json::object();
    st.accessed = true;
    st.forget_stored(std::move(done));
}

std::string session_id(const Request& req) { return state_of(req).ensure_id(); }

}  // namespace duplex
