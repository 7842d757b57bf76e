// MemoryStore: sessions in a hash map, kept in least-recently-used order in a list. Every use moves a session to
// the front, and all sessions of one middleware share one ttl, so the back of the list is also the next to expire:
// expired sessions are swept from the back as new ones come, and the bound evicts from there too.
#include "duplex/session.h"

#include <list>
#include <mutex>
#include <unordered_map>

namespace duplex {

namespace {
using Clock = std::chrono::steady_clock;
}

struct MemoryStore::Impl {
    struct Entry {
        std::string id;
        Data data;
        Clock::time_point expires;
    };
    using List = std::list<Entry>;

    MemoryStoreOptions options;
    mutable std::mutex mutex;
    List lru;  // most recently used first
    std::unordered_map<std::string_view, List::iterator> index;  // keys view the entries' ids

    // The live entry of `id`, moved to the front; end() when missing or expired (then dropped).
    List::iterator find(const std::string& id, Clock::time_point now) {
        const auto it = index.find(id);
        if (it == index.end()) return lru.end();
        if (it->second->expires <= now) {
            erase(it->second);
            return lru.end();
        }
        lru.splice(lru.begin(), lru, it->second);
        return it->second;
    }

    void erase(List::iterator entry) {
        index.erase(entry->id);
        lru.erase(entry);
    }

    void sweep(Clock::time_point now) {
        while (!lru.empty() && (lru.back().expires <= now || lru.size() > options.max_entries)) erase(std::prev(lru.end()));
    }
};

MemoryStore::MemoryStore(MemoryStoreOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
}

MemoryStore::~MemoryStore() = default;

void MemoryStore::get(const std::string& id, GetDone done) {
    Data data;
    {
        std::lock_guard lock(impl_->mutex);
        const auto it = impl_->find(id, Clock::now());
        if (it != impl_->lru.end()) data = it->data;
    }
    done(true, std::move(data));
}

void MemoryStore::set(const std::string& id, const nlohmann::json& data, std::chrono::seconds ttl, Done done) {
    auto copy = std::make_shared<const nlohmann::json>(data);
    {
        std::lock_guard lock(impl_->mutex);
        const auto now = Clock::now();
        auto it = impl_->find(id, now);
        if (it == impl_->lru.end()) {
            impl_->lru.push_front(Impl::Entry{id, nullptr, {}});
            it = impl_->lru.begin();
            impl_->index.emplace(it->id, it);
        }
        it->data = std::move(copy);
        it->expires = now + ttl;
        impl_->sweep(now);
    }
    done(true);
}

void MemoryStore::destroy(const std::string& id, Done done) {
    {
        std::lock_guard lock(impl_->mutex);
        if (const auto it = impl_->index.find(id); it != impl_->index.end()) impl_->erase(it->second);
    }
    done(true);
}

void MemoryStore::touch(const std::string& id, std::chrono::seconds ttl, Done done) {
    {
        std::lock_guard lock(impl_->mutex);
        const auto now = Clock::now();
        if (const auto it = impl_->find(id, now); it != impl_->lru.end()) it->expires = now + ttl;
    }
    done(true);
}

std::size_t MemoryStore::size() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->lru.size();
}

}  // namespace duplex
