#include "duplex/static_files.h"

#include "static/cache_stats.h"
#include "static/file_cache.h"
#include "static/file_sender.h"
#include "static/locate_file.h"
#include "static/resolve_path.h"

#include <atomic>
#include <ctime>
#include <stdexcept>
#include <thread>

namespace duplex {

namespace sf = detail::static_files;

namespace {

using EntryPtr = std::shared_ptr<const sf::FileEntry>;

// The middleware serve_static returns. Its state (root, options, file cache) is shared by every copy of the
// Middleware; static_files.h says why the cache is the middleware's and not the thread's.
class ServeStatic {
public:
    ServeStatic(std::string root, const StaticOptions& options)
        : state_(std::make_shared<State>(std::move(root), options)) {}

    void operator()(Request& req, Response& res, Next next) const;
    sf::CacheStats stats() const;

private:
    struct State {
        State(std::string r, const StaticOptions& o)
            : root(std::move(r)), options(o), cache({o.cache_entries, o.cache_bytes, o.cache_file_bytes}) {}

        sf::FileCache* cache_here();
        EntryPtr revalidate(sf::FileCache& cache, std::string_view key);
        EntryPtr admit(sf::FileCache* cache, std::string_view key, sf::FileEntry entry);

        const std::string root;
        const StaticOptions options;
        sf::FileCache cache;
        sf::CacheStats counters;
        std::atomic<std::thread::id> owner{};
    };
    std::shared_ptr<State> state_;
};

// A body may be kept when the file is small enough and its version settled (see file_identity.h), so that no
// later edit can hide behind the same identity.
bool may_keep_body(const sf::FileCache& cache, const sf::FileIdentity& identity) {
    if (!cache.wants_body(identity.size)) return false;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return sf::settled(identity, now);
}

// The first thread to serve through the middleware owns its cache. A copy of the Middleware used on another
// loop's thread serves without it (correct, only slower) rather than racing on it.
sf::FileCache* ServeStatic::State::cache_here() {
    std::thread::id expected{};
    const std::thread::id me = std::this_thread::get_id();
    if (owner.compare_exchange_strong(expected, me, std::memory_order_relaxed) || expected == me) return &cache;
    return nullptr;
}

// The entry under key if its path still leads to the same version (one stat()), else null and the entry is gone.
// A small file remembered while its version was too fresh to trust gets its bytes once that version settles.
EntryPtr ServeStatic::State::revalidate(sf::FileCache& c, std::string_view key) {
    EntryPtr entry = c.find(key);
    if (!entry) return nullptr;
    if (!sf::still_current(*entry)) {
        c.erase(key);
        ++counters.stale;
        return nullptr;
    }
    return entry->body || !may_keep_body(c, entry->identity) ? entry : admit(&c, key, *entry);
}

// Makes the entry shared and remembers it, with the file's bytes when they may be kept.
EntryPtr ServeStatic::State::admit(sf::FileCache* c, std::string_view key, sf::FileEntry entry) {
    if (c && may_keep_body(*c, entry.identity)) sf::load_body(entry);
    auto shared = std::make_shared<const sf::FileEntry>(std::move(entry));
    if (c) c->put(key, shared);
    return shared;
}

void ServeStatic::operator()(Request& req, Response& res, Next next) const {
    if (req.method() != "GET" && req.method() != "HEAD") {
        next();
        return;
    }
    State& s = *state_;
    // A client error or a miss either falls through to later layers or becomes the answer.
    auto miss = [&](int status, const char* why) {
        if (s.options.fallthrough) next();
        else next(Error(status, why));
    };
    std::string key;
    const sf::Resolved r = sf::resolve_path(s.root, req.route_path(), s.options.dotfiles, key);
    if (r.status != sf::ResolveStatus::Ok) {
        miss(static_cast<int>(r.status), r.status == sf::ResolveStatus::BadRequest ? "Bad Request" : "Forbidden");
        return;
    }
    // The key is the resolved path, '/'-terminated when a directory (so its index) was asked for.
    if (r.wants_directory) key.push_back('/');
    sf::FileCache* cache = s.cache_here();
    if (EntryPtr entry = cache ? s.revalidate(*cache, key) : nullptr) {
        ++s.counters.hits;
        sf::send_file(req, res, std::move(entry));
        return;
    }
    if (cache) ++s.counters.misses;

    // The full check: realpath, inside the root, stat. Only files found are remembered, so a file that appears
    // is served at once.
    std::string path = key;
    if (r.wants_directory) path.pop_back();
    const sf::Located loc = sf::locate_file(s.root, path, r.wants_directory, s.options.index);
    switch (loc.status) {
    case sf::LocateStatus::File: {
        std::string check_path = r.wants_directory ? key + s.options.index : key;
        sf::FileEntry entry = sf::make_entry(std::move(path), std::move(check_path), loc.identity, s.options.max_age);
        sf::send_file(req, res, s.admit(cache, key, std::move(entry)));
        return;
    }
    case sf::LocateStatus::RedirectToDirectory:
        if (s.options.redirect) {
            // Leading slashes (and backslashes, which browsers read as slashes) collapse into one: "//evil.com/.."
            // names our root, but as a Location it would be another host.
            std::string_view path = req.path();
            while (!path.empty() && (path[0] == '/' || path[0] == '\\')) path.remove_prefix(1);
            std::string location = "/";
            location.append(path).push_back('/');
            if (!req.query_string().empty()) location.append("?").append(req.query_string());
            res.status(301).set("Location", location).send("Redirecting to " + location + "\n");
            return;
        }
        miss(404, "Not Found");
        return;
    case sf::LocateStatus::NotFound:
        miss(404, "Not Found");
        return;
    case sf::LocateStatus::Error:
        next(Error(500, "cannot read file"));
        return;
    }
}

sf::CacheStats ServeStatic::stats() const {
    sf::CacheStats out = state_->counters;
    out.entries = state_->cache.size();
    out.body_bytes = state_->cache.body_bytes();
    return out;
}

}  // namespace

Middleware serve_static(const std::string& root, StaticOptions options) {
    auto real_root = sf::canonical_root(root);
    if (!real_root) throw std::invalid_argument("serve_static: no such directory: " + root);
    return ServeStatic(std::move(*real_root), options);
}

namespace detail::static_files {

std::optional<CacheStats> cache_stats(const Middleware& middleware) {
    const auto* handler = middleware.target<ServeStatic>();
    if (!handler) return std::nullopt;
    return handler->stats();
}

}  // namespace detail::static_files

}  // namespace duplex
