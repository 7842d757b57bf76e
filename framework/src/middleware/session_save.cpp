#include "middleware/session_save.h"

#include "duplex/log.h"

#include "middleware/session_state.h"
#include <stdexcept>

namespace duplex::detail {
namespace {

// duplex serves no TLS yet, so no request comes over it; the TLS listener will answer this from the connection.
bool came_over_tls(const Request&) { return false; }

bool is_empty(const nlohmann::json& data) { return data.is_null() || (data.is_object() && data.empty()); }

void report(bool ok) {
    if (!ok) duplex::logf(duplex::LogLevel::error, "duplex: the session store failed to save a session");
}

bool secure_cookie(const SessionState& st, const Request& req) {
    const SessionOptions& o = st.config->options;
    return o.secure == SecureCookie::Always ||
           (o.secure == SecureCookie::Auto && (o.is_secure ? o.is_secure(req) : came_over_tls(req)));
}

// The signed id is base64url and '.' (signed here, or the client's value whose signature matched): nothing to encode.
void send_cookie(ResponseHead& head, const SessionState& st, std::string_view signed_id) {
    head.append_line("Set-Cookie", {st.config->options.cookie_name, "=", signed_id,
                                    st.config->cookie_attributes[secure_cookie(st, head.req())]});
}

void clear_cookie(ResponseHead& head, const SessionState& st) {
    head.append_line("Set-Cookie", {st.config->clear_value[secure_cookie(st, head.req())]});
}

void save(ResponseHead& head, SessionState& st) {
    const SessionOptions& o = st.config->options;
    if (st.loaded) {  // a session the store holds
        const bool changed = st.accessed && st.data != *st.loaded;
        if (changed && is_empty(st.data)) {
            st.forget_stored(report);
            clear_cookie(head, st);
            return;
        }
        if (changed) o.store->set(st.id, st.data, o.max_age, report);
        else o.store->touch(st.id, o.max_age, report);
        // The value the client sent is still the right one: re-sending it needs no new signature.
        if (o.rolling) send_cookie(head, st, st.client_cookie);
        return;
    }
    if (st.accessed && !is_empty(st.data)) {  // a new session (or a regenerated one) that holds something
        o.store->set(st.ensure_id(), st.data, o.max_age, report);
        send_cookie(head, st, st.config->signer.sign(st.id));
        return;
    }
    // Destroyed, or the client's cookie named no live session (tampered, expired, forgotten): clear it. A client
    // that sent none gets nothing (a cross-site form that its browser sent without the cookie clears nothing).
    if (st.sent_cookie) clear_cookie(head, st);
}

}  // namespace

void save_session(ResponseHead& head) noexcept {
    try {
        if (SessionState* st = SessionAccess::state(head.req())) save(head, *st);
    } catch (const std::exception& e) {
        duplex::logf(duplex::LogLevel::error, "duplex: session not saved: %s", e.what());
    } catch (...) {
        duplex::logf(duplex::LogLevel::error, "duplex: session not saved");
    }
}

}  // namespace duplex::detail
