// PublishedFrame: the plain frame at once, the compressed one on first need, made once even when several threads
// ask at the same time, and absent when compressing saves nothing.
#include <doctest/doctest.h>

#include "ws/deflate.h"
#include "ws/published_frame.h"

#include <string>
#include <thread>
#include <vector>

using duplex::detail::PublishedFrame;
namespace ws = duplex::detail::ws;

TEST_CASE("PublishedFrame: plain frame, and one compressed frame (RSV1) that inflates back to the payload") {
    std::string payload;
    for (int i = 0; i < 100; ++i) payload += "{\"type\":\"message\",\"text\":\"hello\"}";
    PublishedFrame f(payload, false);
    CHECK(f.payload_size() == payload.size());
    CHECK(static_cast<unsigned char>(f.plain()[0]) == 0x81);  // FIN + text, no RSV1
    CHECK(f.plain().substr(f.plain().size() - payload.size()) == payload);

    // Asked from four threads at once: one compression, the same bytes for all.
    std::vector<std::string_view> seen(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { seen[t] = f.deflated(); });
    for (auto& t : threads) t.join();
    for (auto v : seen) CHECK(v.data() == seen[0].data());
    std::string_view z = f.deflated();
    REQUIRE(!z.empty());
    CHECK(static_cast<unsigned char>(z[0]) == 0xC1);  // FIN + RSV1 + text
    const std::size_t header = static_cast<unsigned char>(z[1]) == 126 ? 4 : 2;
    ws::Inflater in(15, false);
    std::string out;
    CHECK(in.inflate(z.substr(header), out, 1 << 20) == ws::InflateResult::Ok);
    CHECK(out == payload);
    CHECK(z.size() < payload.size() / 4);
}

TEST_CASE("PublishedFrame: nothing compressed when it would not be smaller; reset reuses a scratch frame") {
    PublishedFrame f("ab", true);
    CHECK(static_cast<unsigned char>(f.plain()[0]) == 0x82);
    CHECK(f.deflated().empty());
    std::string big(4096, 'x');
    f.reset(big, false);
    CHECK(f.payload_size() == big.size());
    CHECK(!f.deflated().empty());
}
