#include "static/mime_types.h"

#include <array>
#include <cstddef>

namespace duplex::detail::static_files {
namespace {

struct MimeEntry {
    std::string_view extension;  // lower case, without the dot
    std::string_view type;
};

// Types as registered with IANA (RFC 9239 for JavaScript); browsers sniff nothing when these are right.
constexpr std::array kTable = {
    MimeEntry{"html", "text/html; charset=utf-8"},
    MimeEntry{"htm", "text/html; charset=utf-8"},
    MimeEntry{"css", "text/css; charset=utf-8"},
    MimeEntry{"js", "text/javascript; charset=utf-8"},
    MimeEntry{"mjs", "text/javascript; charset=utf-8"},
    MimeEntry{"json", "application/json; charset=utf-8"},
    MimeEntry{"map", "application/json; charset=utf-8"},
    MimeEntry{"txt", "text/plain; charset=utf-8"},
    MimeEntry{"md", "text/markdown; charset=utf-8"},
    MimeEntry{"csv", "text/csv; charset=utf-8"},
    MimeEntry{"xml", "application/xml"},
    MimeEntry{"svg", "image/svg+xml"},
    MimeEntry{"png", "image/png"},
    MimeEntry{"jpg", "image/jpeg"},
    MimeEntry{"jpeg", "image/jpeg"},
    MimeEntry{"gif", "image/gif"},
    MimeEntry{"webp", "image/webp"},
    MimeEntry{"avif", "image/avif"},
    MimeEntry{"ico", "image/x-icon"},
    MimeEntry{"wasm", "application/wasm"},
    MimeEntry{"woff", "font/woff"},
    MimeEntry{"woff2", "font/woff2"},
    MimeEntry{"ttf", "font/ttf"},
    MimeEntry{"otf", "font/otf"},
    MimeEntry{"pdf", "application/pdf"},
    MimeEntry{"zip", "application/zip"},
    MimeEntry{"gz", "application/gzip"},
    MimeEntry{"mp3", "audio/mpeg"},
    MimeEntry{"mp4", "video/mp4"},
    MimeEntry{"webm", "video/webm"},
    MimeEntry{"ogg", "audio/ogg"},
    MimeEntry{"wav", "audio/wav"},
};

constexpr std::size_t kLongestExtension = 5;

}  // namespace

std::string_view content_type_for(std::string_view path) noexcept {
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.rfind('.');
    // No dot, or only the leading dot of a dotfile: no extension.
    if (dot == std::string_view::npos || dot == 0) return kDefaultContentType;
    const std::string_view extension = name.substr(dot + 1);
    if (extension.empty() || extension.size() > kLongestExtension) return kDefaultContentType;

    std::array<char, kLongestExtension> lower{};
    for (std::size_t i = 0; i < extension.size(); ++i) {
        const char c = extension[i];
        lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view key(lower.data(), extension.size());
    for (const MimeEntry& entry : kTable) {
        if (entry.extension == key) return entry.type;
    }
    return kDefaultContentType;
}

}  // namespace duplex::detail::static_files
