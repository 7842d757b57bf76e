#include <doctest/doctest.h>

#include <array>
#include <set>
#include <thread>

#include "util/random.h"

using duplex::detail::fill_random;
using duplex::detail::MaskKey;
using duplex::detail::RandomPool;
using duplex::detail::thread_random_pool;

TEST_SUITE("util") {
    TEST_CASE("fill_random fills the whole buffer with varying bytes") {
        std::array<unsigned char, 4096> a{};
        std::array<unsigned char, 4096> b{};
        REQUIRE(fill_random(a.data(), a.size()));
        REQUIRE(fill_random(b.data(), b.size()));
        CHECK(a != b);
        // 4096 CSPRNG bytes miss a given value with probability (255/256)^4096 ~ 1e-7: nearly all values show up,
        // and a buffer left zeroed at the end would not.
        std::set<unsigned char> seen(a.begin(), a.end());
        CHECK(seen.size() > 200);
        CHECK(std::set<unsigned char>(a.end() - 64, a.end()).size() > 1);
        CHECK(fill_random(a.data(), 0));
    }

    TEST_CASE("RandomPool hands out fresh mask keys across refills") {
        RandomPool pool;
        std::set<MaskKey> keys;
        // 3000 keys span three 4 KiB refills (1024 keys each).
        for (int i = 0; i < 3000; ++i) {
            const std::optional<MaskKey> key = pool.mask_key();
            REQUIRE(key.has_value());
            keys.insert(*key);
        }
        // Among 3000 draws from 2^32 values about 0.001 pairs collide on average: two collisions would be a bug.
        CHECK(keys.size() >= 2999);
    }

    TEST_CASE("thread_random_pool is one pool per thread") {
        RandomPool* main_pool = &thread_random_pool();
        CHECK(main_pool == &thread_random_pool());
        RandomPool* other_pool = nullptr;
        std::thread([&] { other_pool = &thread_random_pool(); }).join();
        CHECK(other_pool != main_pool);
        CHECK(thread_random_pool().mask_key().has_value());
    }
}
