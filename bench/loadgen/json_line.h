// Builds the single JSON object line each mode prints as its result, keys in insertion order.
//
// Value type: one thread, no I/O until print().
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace loadgen {

class JsonLine {
public:
    JsonLine& add(std::string_view key, std::string_view value) {
        open_key(key);
        text_.push_back('"');
        text_.append(value);  // our values are fixed words and paths: nothing needs escaping
        text_.push_back('"');
        return *this;
    }
    JsonLine& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonLine& add(std::string_view key, std::uint64_t value) {
        open_key(key);
        text_.append(std::to_string(value));
        return *this;
    }
    JsonLine& add(std::string_view key, double value) {
        open_key(key);
        if (!std::isfinite(value)) {
            text_.append("null");
            return *this;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", value);
        text_.append(buf);
        return *this;
    }

    void print() const {
        std::printf("%s}\n", text_.c_str());
        std::fflush(stdout);
    }

private:
    void open_key(std::string_view key) {
        text_.append(text_.size() == 1 ? "\"" : ",\"").append(key).append("\":");
    }

    std::string text_ = "{";
};

}  // namespace loadgen
