// Cookies (RFC 6265): the options of Response::cookie / clear_cookie, and signed cookie values.
//
// Reading: req.cookie(name) / req.cookies() parse every Cookie line of the request on first use. Each line is split
// on ';' into name=value pairs as browsers send them (RFC 6265 section 5.4): whitespace around names and values is
// dropped, a value in double quotes loses them, and a value holding valid %XX escapes is decoded (a value with an
// invalid escape is kept as sent). A pair without '=', with an empty name, or with a control byte is skipped, never
// an error. Names repeat as browsers send them (the more specific path first): req.cookie(name) is the first.
// Bounds: the Cookie lines are part of the request head (HttpOptions::max_header_bytes, 16 KiB by default), and at
// most kMaxCookies pairs are kept; later ones are ignored.
//
// Writing: res.cookie(name, value, options) appends one Set-Cookie line. The name must be a token (RFC 9110 5.6.2);
// the value is percent-encoded where it holds anything but a cookie-octet (RFC 6265 4.1.1) or '%', so no value can
// add an attribute or split the header; a path or domain with ';' or a control byte is refused. Refusals throw
// std::invalid_argument (a programming error, answered 500 through the error layers).
//
// Lifetime: CookieOptions is a plain value. CookieSigner is a value holding copies of its secrets.
// Threads: any; a CookieSigner may be shared by loop threads (it keeps its OpenSSL state per thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duplex {

/// At most this many cookie pairs of a request are kept (Chromium sends at most 180 per domain).
inline constexpr std::size_t kMaxCookies = 1024;

/// The SameSite attribute; Unset leaves it out (browsers then treat the cookie as Lax).
enum class SameSite { Unset, Lax, Strict, None };

/// The attributes of one Set-Cookie line (RFC 6265 section 4.1; Partitioned: CHIPS).
struct CookieOptions {
    /// Max-Age in seconds (0 or less: delete now). Unset, with no `expires` either: a browser-session cookie.
    std::optional<std::chrono::seconds> max_age;
    /// Expires, as an HTTP-date. Browsers prefer Max-Age when both are given.
    std::optional<std::chrono::system_clock::time_point> expires;
    /// Path; the whole site by default. No ';' or control bytes.
    std::string path = "/";
    /// Domain; empty leaves it out (the cookie then goes to this exact host only). Letters, digits, '-' and '.'.
    std::string domain;
    /// Only sent over HTTPS.
    bool secure = false;
    /// Invisible to document.cookie.
    bool http_only = false;
    /// Cross-site sending (Unset: no attribute, the browser's default).
    SameSite same_site = SameSite::Unset;
    /// Partitioned per top-level site (CHIPS); browsers require `secure` with it.
    bool partitioned = false;
};

/// Signs cookie values with HMAC-SHA256 and checks them in constant time. Secrets rotate: values are signed with
/// the first secret and accepted under any of them, so a new secret goes first and the old one stays until the
/// cookies it signed have expired.
///
/// A signed value is `value + "." + base64url(HMAC-SHA256(secret, value))` (43 characters of signature, no padding).
class CookieSigner {
public:
    /// Throws std::invalid_argument when `secrets` is empty or holds an empty secret.
    explicit CookieSigner(std::vector<std::string> secrets);

    /// `value` with its signature under the first secret.
    std::string sign(std::string_view value) const;
    /// The value inside `signed_value` when its signature is valid under one of the secrets; std::nullopt when it is
    /// missing, truncated, or made with another key. The view points into `signed_value`.
    std::optional<std::string_view> unsign(std::string_view signed_value) const;

private:
    std::vector<std::string> secrets_;
};

}  // namespace duplex
