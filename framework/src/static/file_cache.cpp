#include "static/file_cache.h"

#include <algorithm>

namespace duplex::detail::static_files {

std::size_t FileCache::body_size(const EntryPtr& entry) noexcept {
    return entry && entry->body ? entry->body->size() : 0;
}

FileCache::EntryPtr FileCache::find(std::string_view key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, found->second);
    return found->second->entry;
}

void FileCache::put(std::string_view key, EntryPtr entry) {
    if (limits_.max_entries == 0) return;
    const auto found = index_.find(key);
    if (found != index_.end()) {
        body_bytes_ -= body_size(found->second->entry);
        found->second->entry = std::move(entry);
        order_.splice(order_.begin(), order_, found->second);
    } else {
        order_.push_front(Node{std::string(key), std::move(entry)});
        index_.emplace(order_.front().key, order_.begin());
    }
    body_bytes_ += body_size(order_.front().entry);
    while (!order_.empty() && (index_.size() > limits_.max_entries || body_bytes_ > limits_.max_body_bytes)) {
        drop(std::prev(order_.end()));
    }
}

void FileCache::erase(std::string_view key) {
    const auto found = index_.find(key);
    if (found != index_.end()) drop(found->second);
}

bool FileCache::wants_body(std::uint64_t size) const noexcept {
    const std::size_t bound = std::min(limits_.max_file_bytes, limits_.max_body_bytes);
    return bound > 0 && size <= bound;
}

void FileCache::drop(List::iterator it) {
    body_bytes_ -= body_size(it->entry);
    index_.erase(it->key);
    order_.erase(it);
}

}  // namespace duplex::detail::static_files
