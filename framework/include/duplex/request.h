/// @file
/// duplex::Request: one parsed HTTP request (method, target, headers, body, route params, query).
///
/// Lifetime: owned by the exchange it belongs to, which lives as long as the connection needs it or any
/// Response handle of the same request is kept: keep a Response copy and `res.req()` stays valid (a request
/// never dies under an async handler). String views returned here are valid while the Request lives.
/// Threads: loop thread only.
#pragma once

#include "duplex/body_stream.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex {

namespace detail { class RequestParser; struct RequestRouting; struct RequestConnection; struct SessionState;
                   struct SessionAccess; class BodyPipe; }

/// A file of a multipart/form-data body (body::multipart()).
struct UploadedFile {
    std::string field;         ///< the form field's name
    std::string filename;      ///< the name the client gave, as received: metadata only, never used as a path
    std::string content_type;  ///< the part's Content-Type ("" when it had none)
    /// Where its bytes are: a file in a private temporary directory, removed when the request ends unless moved
    /// away first (std::filesystem::rename); "" when MultipartOptions::on_file took the bytes.
    std::string path;
    std::uint64_t size = 0;    ///< bytes
};

/// One parsed HTTP request, as handlers see it. See the file comment for its lifetime.
class Request {
public:
    Request();
    ~Request();
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    /// Ordered (name, value) pairs; duplicates kept.
    using Pairs = std::vector<std::pair<std::string, std::string>>;

    /// The method as received, upper-case ("GET").
    std::string_view method() const { return method_; }
    /// The raw request-target as received ("/a%20b?x=1", or "http://host/a?x=1" in absolute-form).
    std::string_view target() const { return view(target_); }
    /// The path part of the target, still percent-encoded (as Express's req.path); "/" for an absolute-form
    /// target without one ("http://host").
    std::string_view path() const { return view(path_); }
    /// The part after '?', without it; "" when absent.
    std::string_view query_string() const { return view(query_span_); }
    /// The HTTP version: 1 and 1 for HTTP/1.1.
    ///@{
    int http_major() const { return major_; }
    int http_minor() const { return minor_; }
    ///@}

    /// Case-insensitive header lookup: the first value, or "" when absent. Repeated headers: see header_all.
    std::string_view header(std::string_view name) const;
    /// True when the header is present (even with an empty value).
    bool has_header(std::string_view name) const;
    /// All values of a repeated header joined with ", " (RFC 9110 5.3).
    std::string header_all(std::string_view name) const;
    /// The number of header lines, and the i-th (name, value) as received, for iterating over all of them.
    ///@{
    std::size_t header_count() const { return headers_.size(); }
    std::pair<std::string_view, std::string_view> header_at(std::size_t i) const;
    ///@}

    /// Route parameters, percent-decoded (":name" and "*name" segments of the matched pattern); "" when absent.
    /// WebSocket upgrade requests carry the parameters of their WebSocket route.
    std::string_view param(std::string_view name) const;
    /// Every route parameter, in pattern order.
    const Pairs& params() const { return params_; }
    /// Query parameters, percent-decoded ('+' is a space), in order; parsed on first use.
    std::optional<std::string_view> query(std::string_view key) const;
    /// Every query parameter, in order.
    const Pairs& query_params() const;

    /// The body bytes (fully received before handlers run; capped by HttpOptions::max_body_bytes). Empty on a
    /// route with body::stream(): read body_stream() there.
    std::string_view body() const { return body_; }
    /// The body as a stream (duplex/body_stream.h), on a route declared with body::stream(); anywhere else it
    /// throws duplex::Error(500).
    BodyStream body_stream();
    /// The JSON parsed by body::json(); throws duplex::Error(400) when the body was not parsed as JSON. Reading
    /// the value needs duplex/json.h (included by duplex.h and body.h).
    const nlohmann::json& json() const;
    /// Sets what json() returns (body parsers do this).
    void set_json(nlohmann::json value);

    /// Cookies of every Cookie line, in order, parsed on first use (rules and bounds: duplex/cookies.h).
    std::optional<std::string_view> cookie(std::string_view name) const;
    /// Every cookie, in order (names may repeat).
    const Pairs& cookies() const;

    /// Fields of an application/x-www-form-urlencoded body parsed by body::urlencoded(), in order, repeated names
    /// kept; form(name) is the first. Empty (nullopt) when that middleware did not parse this request's body.
    std::optional<std::string_view> form(std::string_view name) const;
    /// Every field of the form, in order.
    const Pairs& form_params() const { return form_; }
    /// Sets what form() returns (body::urlencoded does this).
    void set_form(Pairs fields) { form_ = std::move(fields); }

    /// Files of a multipart/form-data body parsed by body::multipart() (duplex/body.h), in order.
    const std::vector<UploadedFile>& files() const { return files_; }
    /// Sets what files() returns; `cleanup` is released when the request ends (body::multipart removes its
    /// temporary files there).
    void set_files(std::vector<UploadedFile> files, std::shared_ptr<void> cleanup = {}) {
        files_ = std::move(files);
        files_cleanup_ = std::move(cleanup);
    }
    /// True on a route declared with body::stream(): the body comes through body_stream(), not body().
    bool body_streamed() const { return pipe_ != nullptr; }

    /// The session data of duplex::session() (duplex/session.h), an object; changes are saved with the response.
    /// Throws duplex::Error(500) when no session middleware ran for this request.
    nlohmann::json& session();

    /// The peer's "ip:port".
    const std::string& remote_address() const { return remote_; }

    /// The path after the mount prefix of the router currently running (Express's req.path inside a sub-router).
    std::string_view route_path() const { return path().substr(mount_offset_); }
    /// The pattern of the route that matched, after the patterns of the routers it is mounted under
    /// ("/api/users/:id"), as in Express's req.route.path; "" before a route matched. Also the `route` label of
    /// the built-in request metrics.
    std::string route_pattern() const;

private:
    // The parser builds it; everything else goes through a narrow setter (http/request_setters.h) or the session
    // slot (middleware/session_state.h).
    friend class detail::RequestParser;
    friend struct detail::RequestRouting;
    friend struct detail::RequestConnection;
    friend struct detail::SessionAccess;
    struct HeaderSpan {
        std::uint32_t name_off, name_len, value_off, value_len;
    };
    struct Span {
        std::uint32_t off = 0, len = 0;
    };
    std::string_view view(Span s) const { return std::string_view(storage_).substr(s.off, s.len); }
    void clear();

    std::string storage_;  // target and header bytes, one allocation reused across keep-alive requests
    std::vector<HeaderSpan> headers_;
    Span target_;
    Span path_;        // inside target_, or a "/" stored after it (absolute-form without a path)
    Span query_span_;  // inside target_
    std::size_t mount_offset_ = 0;  // route_path(): set by the router before each layer runs
    std::uint32_t route_id_ = 0;    // the matched route's name (metrics/route_names.h), 0 before one matched
    std::string_view method_;  // points at llhttp's static method names
    int major_ = 1, minor_ = 1;
    std::string body_;
    Pairs params_;
    mutable Pairs query_;
    mutable bool query_parsed_ = false;
    std::unique_ptr<nlohmann::json> json_;  // made by the first set_json, kept for the next request
    bool has_json_ = false;
    std::string remote_;
    mutable Pairs cookies_;
    mutable bool cookies_parsed_ = false;
    Pairs form_;
    std::shared_ptr<detail::SessionState> session_;  // set by the session middleware
    std::shared_ptr<detail::BodyPipe> pipe_;  // set by the connection for a body::stream() route
    std::vector<UploadedFile> files_;
    std::shared_ptr<void> files_cleanup_;
};

}  // namespace duplex
