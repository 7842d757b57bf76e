#pragma once
// FileCache: the entries a static middleware remembers, by request key, least recently used first out. Two
// bounds hold after every insertion: the number of entries and the bytes of the bodies they keep in memory.
// Entries handed out stay valid after eviction (shared ownership), so those bytes are not counted any more once
// the cache let them go, even while a response still sends them.
// The container only: it never touches the file system (validation is FileEntry's). Threads: one thread at a time.

#include "static/file_entry.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace duplex::detail::static_files {

struct FileCacheLimits {
    std::size_t max_entries = 1024;           // 0: nothing is remembered
    std::size_t max_body_bytes = 16 << 20;    // all bodies together; 0: no body is kept
    std::size_t max_file_bytes = 1 << 20;     // one body; 0: no body is kept
};

class FileCache {
public:
    using EntryPtr = std::shared_ptr<const FileEntry>;

    explicit FileCache(FileCacheLimits limits) : limits_(limits) {}
    FileCache(const FileCache&) = delete;
    FileCache& operator=(const FileCache&) = delete;

    // The entry under `key`, now the most recently used; null when there is none.
    EntryPtr find(std::string_view key);
    // Stores `entry` under `key` (replacing any), most recently used, then evicts from the least recently used end
    // until both bounds hold again.
    void put(std::string_view key, EntryPtr entry);
    void erase(std::string_view key);

    // Whether a body of `size` bytes may be kept at all (it fits both body bounds).
    bool wants_body(std::uint64_t size) const noexcept;
    std::size_t size() const noexcept { return index_.size(); }
    std::size_t body_bytes() const noexcept { return body_bytes_; }

private:
    struct Node {
        std::string key;
        EntryPtr entry;
    };
    using List = std::list<Node>;

    static std::size_t body_size(const EntryPtr& entry) noexcept;
    void drop(List::iterator it);

    FileCacheLimits limits_;
    List order_;  // most recently used first; nodes never move in memory, so index_ can view their keys
    std::unordered_map<std::string_view, List::iterator> index_;
    std::size_t body_bytes_ = 0;
};

}  // namespace duplex::detail::static_files
