// The raw server's HTTP side: every complete request head gets a ready-made response, in order, so keep-alive and
// pipelining work. It is the ceiling for one core: no parsing beyond the request line's path, and answers are views
// of responses built once at start (head and body in one string), so sending one copies nothing in user space.
//
// Lifetime: built once in main before the loop starts, then only read. Thread: any (it is immutable).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace raw {

class HttpReplies {
public:
    // Every regular file directly inside static_dir (none when it is empty or unreadable) becomes GET /<name>, and
    // index.html also GET /. Paths under /api/hello/ get a fixed 17-byte JSON body; anything else a 404.
    explicit HttpReplies(const std::string& static_dir);

    // Appends one response view to out per complete request head in `in`; returns how many bytes of `in` were used.
    // Request bodies are not supported (GET only), which is all a GET benchmark sends. The views stay valid for the
    // lifetime of this object.
    std::size_t answer(std::string_view in, std::vector<std::string_view>& out) const;

private:
    // Heterogeneous lookup: a request's path is found without building a string.
    struct PathHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    std::string_view lookup(std::string_view path) const;

    std::string hello_;
    std::string not_found_;
    std::unordered_map<std::string, std::string, PathHash, std::equal_to<>> files_;  // path -> whole response
};

}  // namespace raw
