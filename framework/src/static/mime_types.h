#pragma once
// File extension -> Content-Type for static files.
// Pure function over a constant table: any thread, no I/O, no allocation.

#include <string_view>

namespace duplex::detail::static_files {

inline constexpr std::string_view kDefaultContentType = "application/octet-stream";

// The Content-Type for `path` judged by the extension of its last segment, compared case-insensitively ("a/b.HTML"
// is HTML). Text types, JavaScript and JSON carry "; charset=utf-8". A name without an extension (including
// dotfiles such as ".profile") or an unknown extension gets kDefaultContentType.
std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace duplex::detail::static_files
