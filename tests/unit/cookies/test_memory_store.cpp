// MemoryStore (duplex/session.h): get / set / touch / destroy, expiry and the entry bound.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "duplex/session.h"

using duplex::MemoryStore;
using namespace std::chrono_literals;

namespace {

// The data stored under id, or null (the callbacks of MemoryStore run before the call returns).
duplex::SessionStore::Data get(MemoryStore& store, const std::string& id) {
    duplex::SessionStore::Data out;
    bool called = false;
    store.get(id, [&](bool ok, duplex::SessionStore::Data data) {
        CHECK(ok);
        out = std::move(data);
        called = true;
    });
    CHECK(called);
    return out;
}

void set(MemoryStore& store, const std::string& id, const nlohmann::json& data, std::chrono::seconds ttl = 60s) {
    bool called = false;
    store.set(id, data, ttl, [&](bool ok) { called = ok; });
    CHECK(called);
}

}  // namespace

TEST_SUITE("session") {

TEST_CASE("MemoryStore: set, get, destroy") {
    MemoryStore store;
    CHECK_FALSE(get(store, "a"));
    set(store, "a", {{"name", "ada"}});
    const auto data = get(store, "a");
    REQUIRE(data);
    CHECK(*data == nlohmann::json{{"name", "ada"}});
    set(store, "a", {{"name", "grace"}});
    CHECK(*get(store, "a") == nlohmann::json{{"name", "grace"}});
    CHECK(*data == nlohmann::json{{"name", "ada"}});  // what was handed out does not change under its holder
    bool destroyed = false;
    store.destroy("a", [&](bool ok) { destroyed = ok; });
    CHECK(destroyed);
    CHECK_FALSE(get(store, "a"));
    CHECK(store.size() == 0);
}

TEST_CASE("MemoryStore: sessions expire; touch moves the expiry") {
    MemoryStore store;
    set(store, "short", {{"x", 1}}, 1s);
    set(store, "touched", {{"x", 2}}, 1s);
    std::this_thread::sleep_for(600ms);
    store.touch("touched", 2s, [](bool ok) { CHECK(ok); });
    std::this_thread::sleep_for(600ms);
    CHECK_FALSE(get(store, "short"));
    CHECK(get(store, "touched"));
    store.touch("missing", 2s, [](bool ok) { CHECK(ok); });
    CHECK_FALSE(get(store, "missing"));
}

TEST_CASE("MemoryStore: bounded; the least recently used session goes first") {
    MemoryStore store({.max_entries = 3});
    set(store, "a", {{"n", 1}});
    set(store, "b", {{"n", 2}});
    set(store, "c", {{"n", 3}});
    CHECK(get(store, "a"));  // a is now the most recently used
    set(store, "d", {{"n", 4}});
    CHECK(store.size() == 3);
    CHECK_FALSE(get(store, "b"));
    CHECK(get(store, "a"));
    CHECK(get(store, "c"));
    CHECK(get(store, "d"));
}

}  // TEST_SUITE
