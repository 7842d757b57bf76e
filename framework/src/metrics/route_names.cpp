#include "metrics/route_names.h"

#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

namespace duplex::detail {

namespace {

struct Table {
    std::mutex mutex;
    std::deque<std::string> names{""};  // index = id; 0 is "no route"
    std::unordered_map<std::string, std::uint32_t> ids{{"", 0}};
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> joins;
};

Table& table() {
    static Table* t = new Table;  // never destroyed: loops may still run while static objects go away
    return *t;
}

std::uint32_t intern(Table& t, std::string name) {
    auto it = t.ids.find(name);
    if (it != t.ids.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(t.names.size());
    t.names.push_back(name);
    t.ids.emplace(std::move(name), id);
    return id;
}

}  // namespace

std::uint32_t route_id(std::string_view pattern) {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mutex);
    return intern(t, std::string(pattern.empty() ? "/" : pattern));
}

std::string route_name(std::uint32_t id) {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mutex);
    return id < t.names.size() ? t.names[id] : std::string();
}

std::uint32_t route_join(std::uint32_t prefix, std::uint32_t own) {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mutex);
    if (prefix == 0 || prefix >= t.names.size()) return own;
    auto key = std::pair{prefix, own};
    if (auto it = t.joins.find(key); it != t.joins.end()) return it->second;
    std::string joined = t.names[prefix];
    const std::string& tail = own < t.names.size() ? t.names[own] : t.names[0];
    // "/" mounts add nothing; "/api" + "/" is "/api".
    if (!joined.empty() && joined.back() == '/') joined.pop_back();
    if (!(tail == "/" && !joined.empty())) joined += tail;
    const std::uint32_t id = intern(t, joined.empty() ? "/" : joined);
    t.joins.emplace(key, id);
    return id;
}

}  // namespace duplex::detail
