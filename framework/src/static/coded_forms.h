#pragma once
// CodedForms: the coded forms (br, gzip, ...) of one cached file version, each made once, on first demand: read
// from a precompressed sibling on disk (index.html.br, index.html.gz) when there is one that is not older than
// the file and not larger, else made by the response's body transform (compression, through FileAnswer::make_form)
// from the bytes in memory.
// A form belongs to the version its FileEntry describes: an edit of the file makes a new entry, and new forms.
// A sibling edited while the file itself is not is only read again when the file's version changes.
//
// Memory: at most one form per coding, each no larger than the body; they live as long as their entry and are
// not counted in the cache's byte bound (which counts the files' own bodies).
// Threads: the thread that owns the cache holding the entry (see serve_static.cpp), like the entry's lookups.

#include <string>
#include <string_view>
#include <vector>

namespace duplex {
class Response;
}

namespace duplex::detail::static_files {

struct FileEntry;

class CodedForms {
public:
    /// The form `form` (a name FileAnswer::coded_form gave for `res`) of entry's in-memory body, made by res's body
    /// transform when no sibling file holds it; null when it cannot be had (then the body is coded on the fly).
    const std::string* get(const FileEntry& entry, std::string_view form, const Response& res);

private:
    struct Form {
        std::string name;
        std::string bytes;
    };
    std::vector<Form> forms_;
};

/// The file name suffix of a precompressed sibling holding the form `form` (".br", ".gz"), or "" for none.
std::string_view sibling_suffix(std::string_view form) noexcept;

}  // namespace duplex::detail::static_files
