// Helpers for the framing tests: a sink that logs what the reader reports, frame builders and the
// three ways of feeding bytes (whole, one byte at a time, random splits with a fixed seed).
#pragma once

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/gcc_restrict_bug.h"
#include "ws/frame_writer.h"
#include "ws/message_reader.h"

namespace duplex::detail::ws::testing {

inline const MaskKey test_key{0x37, 0xfa, 0x21, 0x3d};  // the key of RFC 6455 5.7's examples

// Logs events as "text:Hello", "ztext:..." (compressed), "binary:...", "ping:", "close:...",
// "error:1002", joined by '|'. Payloads over 40 bytes are logged as "<N bytes>" and kept whole in
// `payloads` (one entry per message or control frame). With `probe` set, `held` gets one character per
// message or control frame: '+' if the reader held its partial-read buffers when it reported it, '-' if not.
struct RecordingSink final : MessageSink {
    std::string log;
    std::vector<std::string> payloads;
    std::vector<const char*> payload_pointers;
    const MessageReader* probe = nullptr;
    std::string held;

    void on_message(Opcode opcode, std::string_view payload, bool compressed) override {
        record(std::string(compressed ? "z" : "") + (opcode == Opcode::Text ? "text" : "binary"), payload);
    }
    void on_control(Opcode opcode, std::string_view payload) override {
        record(opcode == Opcode::Ping ? "ping" : opcode == Opcode::Pong ? "pong" : "close", payload);
    }
    void on_error(std::uint16_t close_code, std::string_view) override {
        add("error:" + std::to_string(close_code));
    }

private:
    DUPLEX_GCC_RESTRICT_BUG_BEGIN  // kind + ":" + ... below
    void record(const std::string& kind, std::string_view payload) {
        add(kind + ":" + (payload.size() <= 40 ? std::string(payload) : "<" + std::to_string(payload.size()) + " bytes>"));
        payloads.emplace_back(payload);
        payload_pointers.push_back(payload.data());
        if (probe != nullptr) held += probe->holds_partial_state() ? '+' : '-';
    }
    DUPLEX_GCC_RESTRICT_BUG_END
    void add(const std::string& entry) { log += (log.empty() ? "" : "|") + entry; }
};

// A frame as a client sends it (masked with test_key), as a server reads it.
inline std::string client_frame(Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false) {
    std::string out;
    append_frame(out, opcode, payload, fin, rsv1, &test_key);
    return out;
}

// A frame as a server sends it (unmasked), as a client reads it.
inline std::string server_frame(Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false) {
    std::string out;
    append_frame(out, opcode, payload, fin, rsv1, nullptr);
    return out;
}

enum class Split { Whole, Bytewise, Random };

inline const char* split_name(Split split) {
    return split == Split::Whole ? "whole" : split == Split::Bytewise ? "one byte at a time" : "random splits";
}

// Feeds a private copy of `wire` (the reader unmasks in place) to `reader`.
inline void feed(MessageReader& reader, RecordingSink& sink, const std::string& wire, Split split,
                 unsigned seed = 6455) {
    std::string bytes = wire;
    std::size_t pos = 0;
    std::mt19937 random(seed);
    // Chunks of 0 to 24 bytes: empty feeds are legal, and small chunks cut headers in every place.
    std::uniform_int_distribution<std::size_t> chunk(0, 24);
    while (pos < bytes.size()) {
        std::size_t size = bytes.size() - pos;
        if (split == Split::Bytewise) size = 1;
        if (split == Split::Random) size = std::min(size, chunk(random));
        reader.feed(bytes.data() + pos, size, sink);
        pos += size;
    }
}

inline std::string read_log(const std::string& wire, const ReaderConfig& config, Split split, unsigned seed = 6455) {
    MessageReader reader(config);
    RecordingSink sink;
    feed(reader, sink, wire, split, seed);
    return sink.log;
}

inline ReaderConfig server_config() { return ReaderConfig{}; }

inline ReaderConfig client_config() {
    ReaderConfig config;
    config.role = Role::Client;
    return config;
}

}  // namespace duplex::detail::ws::testing

// Checks that every way of splitting `wire` gives the same event log `expected`.
#define CHECK_READS(wire, config, expected)                                                            \
    do {                                                                                               \
        using duplex::detail::ws::testing::Split;                                                      \
        for (Split split_ : {Split::Whole, Split::Bytewise, Split::Random}) {                          \
            INFO("fed " << duplex::detail::ws::testing::split_name(split_));                           \
            CHECK(duplex::detail::ws::testing::read_log((wire), (config), split_) == (expected));      \
        }                                                                                              \
        for (unsigned seed_ = 1; seed_ <= 8; ++seed_) {                                                \
            INFO("random split seed " << seed_);                                                       \
            CHECK(duplex::detail::ws::testing::read_log((wire), (config), Split::Random, seed_) == (expected)); \
        }                                                                                              \
    } while (false)
