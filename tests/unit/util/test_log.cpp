#include "duplex/log.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

// Captures events for one test case and puts the default sink and level back.
struct Captured {
    std::vector<std::pair<duplex::LogLevel, std::string>> events;
    Captured() {
        duplex::set_log_sink([this](duplex::LogLevel l, std::string_view m) { events.emplace_back(l, m); });
    }
    ~Captured() {
        duplex::set_log_sink({});
        duplex::set_log_level(duplex::LogLevel::info);
    }
};

}  // namespace

TEST_CASE("log: the level filters events and the sink receives the rest") {
    Captured c;
    duplex::set_log_level(duplex::LogLevel::warn);
    duplex::log(duplex::LogLevel::error, "e");
    duplex::log(duplex::LogLevel::warn, "w");
    duplex::log(duplex::LogLevel::info, "i");
    duplex::logf(duplex::LogLevel::debug, "d %d", 1);
    REQUIRE(c.events.size() == 2);
    CHECK(c.events[0] == std::pair{duplex::LogLevel::error, std::string("e")});
    CHECK(c.events[1] == std::pair{duplex::LogLevel::warn, std::string("w")});
    CHECK_FALSE(duplex::log_enabled(duplex::LogLevel::info));
    duplex::set_log_level(duplex::LogLevel::debug);
    CHECK(duplex::log_level() == duplex::LogLevel::debug);
    duplex::logf(duplex::LogLevel::debug, "d %d %s", 2, "x");
    CHECK(c.events.back().second == "d 2 x");
}

TEST_CASE("log: logf formats messages longer than its stack buffer, and a throwing sink is contained") {
    Captured c;
    const std::string long_text(2000, 'x');
    duplex::logf(duplex::LogLevel::error, "[%s]", long_text.c_str());
    REQUIRE(c.events.size() == 1);
    CHECK(c.events[0].second == "[" + long_text + "]");
    duplex::set_log_sink([](duplex::LogLevel, std::string_view) { throw 1; });
    CHECK_NOTHROW(duplex::log(duplex::LogLevel::error, "dropped"));
    CHECK(duplex::log_level_name(duplex::LogLevel::warn) == "warn");
}
