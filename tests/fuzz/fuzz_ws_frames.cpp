// Fuzz target: WebSocket frame parsing and message assembly (MessageReader over FrameParser) and the incremental
// UTF-8 validator.
// Input layout (FuzzedDataProvider): the last byte is the reader configuration (role, RSV1 allowed, message and
// fragment limits), the byte before it the number of split points (0-7), then two bytes per split point; the rest
// is the byte stream. It is read twice, whole and cut at the split points, and both reads must report the same
// events. Invariants: messages within max_message_size, uncompressed text valid UTF-8, compressed messages only
// when RSV1 was negotiated, control payloads within 125 bytes, at most one error and only 1002/1007/1009, nothing
// after an error or a Close; and the validator fed in pieces agrees with the one-shot check.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "ws/message_reader.h"
#include "ws/utf8.h"

namespace {

using namespace duplex::detail::ws;

class CheckingSink : public MessageSink {
public:
    explicit CheckingSink(const ReaderConfig& config) : config_(config) {}

    void on_message(Opcode opcode, std::string_view payload, bool compressed) override {
        FUZZ_CHECK(!finished_);
        FUZZ_CHECK(opcode == Opcode::Text || opcode == Opcode::Binary);
        FUZZ_CHECK(payload.size() <= config_.max_message_size);
        FUZZ_CHECK(!compressed || config_.rsv1_allowed);
        if (opcode == Opcode::Text && !compressed) FUZZ_CHECK(is_valid_utf8(payload));
        log_.push_back(static_cast<char>(opcode));
        log_.push_back(compressed ? 'z' : '-');
        log_.append(payload).push_back('\n');
    }
    void on_control(Opcode opcode, std::string_view payload) override {
        FUZZ_CHECK(!finished_);
        FUZZ_CHECK(opcode == Opcode::Close || opcode == Opcode::Ping || opcode == Opcode::Pong);
        FUZZ_CHECK(payload.size() <= max_control_payload);
        finished_ = closed_ = opcode == Opcode::Close;
        log_.push_back(static_cast<char>(opcode));
        log_.append(payload).push_back('\n');
    }
    void on_error(std::uint16_t close_code, std::string_view reason) override {
        FUZZ_CHECK(!finished_);
        FUZZ_CHECK(close_code == 1002 || close_code == 1007 || close_code == 1009);
        FUZZ_CHECK(!reason.empty());
        finished_ = failed_ = true;
        log_ += "error " + std::to_string(close_code);
    }

    const std::string& log() const { return log_; }
    bool failed() const { return failed_; }
    bool closed() const { return closed_; }

private:
    ReaderConfig config_;
    bool finished_ = false;  // an error or a Close was reported: nothing may follow
    bool failed_ = false;
    bool closed_ = false;
    std::string log_;
};

ReaderConfig pick_config(std::uint8_t bits) {
    static constexpr std::array<std::uint64_t, 5> sizes = {16 * 1024 * 1024, 0, 1, 125, 1000};
    static constexpr std::array<std::uint32_t, 3> fragments = {1024, 1, 3};
    ReaderConfig config;
    config.role = (bits & 1) ? Role::Client : Role::Server;
    config.rsv1_allowed = (bits & 2) != 0;
    config.max_message_size = sizes[(bits >> 2) % sizes.size()];
    config.max_fragments = fragments[(bits >> 5) % fragments.size()];
    return config;
}

// Reads `stream` (a copy: the reader unmasks in place) cut at `cuts` and returns the events it reported.
std::string read_all(const ReaderConfig& config, std::string stream, const std::vector<std::size_t>& cuts) {
    MessageReader reader(config);
    CheckingSink sink(config);
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t to = i < cuts.size() ? cuts[i] : stream.size();
        reader.feed(stream.data() + from, to - from, sink);
        from = to;
    }
    FUZZ_CHECK(sink.failed() == (reader.state() == MessageReader::State::Failed));
    FUZZ_CHECK(sink.closed() == (reader.state() == MessageReader::State::Closed));
    return sink.log();
}

void check_utf8(std::string_view bytes, const std::vector<std::size_t>& cuts) {
    Utf8Validator validator;
    bool ok = true;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t to = i < cuts.size() ? cuts[i] : bytes.size();
        const bool piece_ok = validator.feed(bytes.substr(from, to - from));
        FUZZ_CHECK(ok || !piece_ok);  // once false, false until reset()
        ok = ok && piece_ok;
        from = to;
    }
    FUZZ_CHECK((ok && validator.complete()) == is_valid_utf8(bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider provider(data, size);
    const ReaderConfig config = pick_config(provider.ConsumeIntegral<std::uint8_t>());
    const std::size_t cut_count = provider.ConsumeIntegral<std::uint8_t>() % 8;
    std::vector<std::uint16_t> cut_selectors;
    for (std::size_t i = 0; i < cut_count; ++i) cut_selectors.push_back(provider.ConsumeIntegral<std::uint16_t>());
    const std::string stream = provider.ConsumeRemainingBytesAsString();

    std::vector<std::size_t> cuts;
    for (const std::uint16_t selector : cut_selectors) cuts.push_back(selector % (stream.size() + 1));
    std::sort(cuts.begin(), cuts.end());

    FUZZ_CHECK(read_all(config, stream, {}) == read_all(config, stream, cuts));
    check_utf8(stream, cuts);
    return 0;
}
