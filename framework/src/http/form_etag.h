// The entity tag of a body's coded form (br, gzip, ...), shared by the body transform that codes a body on the fly
// (compression) and the static file sender that keeps the coded forms of cached files, so both give one form one tag.
// Pure: any thread.
#pragma once

#include <string>
#include <string_view>

namespace duplex::detail {

/// The entity tag of a transformed form of the representation tagged `etag`: the form's name appended inside the
/// quotes (W/"1f-18c" -> W/"1f-18c-br", "abc" -> "abc-br"), so each form validates on its own and caches never
/// mix them. An empty or malformed `etag` gives "".
inline std::string tagged_etag(std::string_view etag, std::string_view form) {
    if (etag.size() < 2 || etag.back() != '"') return {};
    std::string out(etag.substr(0, etag.size() - 1));
    out.append("-").append(form).push_back('"');
    return out;
}

}  // namespace duplex::detail
