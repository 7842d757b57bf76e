#pragma once
// What to answer for a static file given the request's conditional and Range headers (RFC 9110 section 13 order,
// express.static's status codes).
// Pure function: any thread, no I/O, no allocation; ServeDecision is a self-contained value.

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string_view>

namespace duplex::detail::static_files {

// What the server knows about the file, as it sends it in its validators.
struct FileValidators {
    std::uint64_t size = 0;
    std::time_t last_modified = 0;  // the seconds stated in Last-Modified (static_files::last_modified_seconds)
    std::string_view etag;          // the ETag value sent, e.g. "803-1a2b-1f-65a1b2c3.5f5e0ff"
};

// The request's side. Header values are empty when the header is absent (repeated fields joined with ", ").
struct RequestConditions {
    std::string_view method;  // "GET", "HEAD", ...
    std::string_view if_match;
    std::string_view if_none_match;
    std::string_view if_modified_since;
    std::string_view if_unmodified_since;
    std::string_view range;
    std::string_view if_range;
    std::time_t now = 0;  // only resolves two-digit years of obsolete RFC 850 dates
};

struct ServeDecision {
    int status = 200;          // 200, 206, 304, 412 or 416
    std::uint64_t offset = 0;  // first byte of the body to send
    std::uint64_t length = 0;  // bytes of body (and Content-Length) for 200/206; 0 otherwise
    bool accept_ranges = false;  // send "Accept-Ranges: bytes" (on 200, 206 and 304, like express)

    // The Content-Range value: "bytes 0-99/1000" on 206, "bytes */1000" on 416, empty otherwise.
    std::string_view content_range() const noexcept { return {content_range_.data(), content_range_size_}; }

private:
    friend ServeDecision decide_serve(const FileValidators&, const RequestConditions&) noexcept;
    std::array<char, 72> content_range_{};  // "bytes " + three 20-digit numbers + "-/" fits
    std::size_t content_range_size_ = 0;
};

// Precedence (RFC 9110 13.2.2):
// 1. If-Match that matches nothing -> 412; else, without If-Match, If-Unmodified-Since older than the file -> 412.
// 2. If-None-Match matching ('*' or weak comparison) -> 304 for GET/HEAD, 412 for other methods; without
//    If-None-Match, If-Modified-Since not older than the file -> 304 for GET/HEAD. Unparseable dates are ignored.
// 3. Range, for GET only: ignored when If-Range does not match; then parse_byte_range decides 206, 416 or 200.
// Entity tags are compared weakly everywhere (If-Match and If-Range included), as express does: its ETags are weak,
// so RFC's strong comparison would never let a client's If-Match or If-Range succeed. An If-Range date must equal
// Last-Modified exactly.
ServeDecision decide_serve(const FileValidators& file, const RequestConditions& request) noexcept;

}  // namespace duplex::detail::static_files
