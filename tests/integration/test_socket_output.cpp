// The output side of a Socket is borrowed from its SocketTable: taken when the socket first has bytes to write,
// given back as soon as a flush leaves nothing queued or in flight (and on the loop's tick, for any socket
// that took one without writing), and kept by the loop as a bounded number
// of trimmed spares. These tests check the spares' bounds, that idle connections hold none, that a connection
// idle between messages writes correctly through uv_write with a reused output, and that an output whose
// uv_write is in flight at close comes back only after libuv is done with it (use after free: ASan build).
#include "net/socket.h"
#include "net/socket_table.h"
#include "support/raw_client.h"
#include "support/server_thread.h"
#include "support/stress_checks.h"
#include "support/temp_dir.h"
#include "support/ws_raw.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

using namespace testing_support;
using duplex::detail::LoopCore;
using duplex::detail::SocketTable;
using duplex::detail::SocketOutput;

namespace {

struct OutputCounts {
    std::size_t lent = 0;
    std::size_t spare = 0;
};

OutputCounts output_counts(ServerThread& server) {
    OutputCounts c;
    server.run_on_loop([&] {
        SocketTable& table = SocketTable::of(server.loop().native());
        c.lent = table.outputs_lent();
        c.spare = table.spare_outputs();
    });
    return c;
}

// Every connection idle: every output is back (after a flush, or at the latest on the tick).
bool all_outputs_back(ServerThread& server) {
    return wait_until([&] { return output_counts(server).lent == 0; }, 5s);
}

void echo_route(duplex::WsServer& wss) {
    wss.route("/echo", {.onmessage = [](duplex::WebSocket& ws, const duplex::Message& m) { ws.send(m); }});
}

}  // namespace

TEST_SUITE("socket_output") {

TEST_CASE("LoopCore keeps each layer's state as a service, one per loop; a turn hook runs on every loop turn") {
    struct Counter final : duplex::detail::LoopService {
        explicit Counter(LoopCore& core) {
            core.add_turn_hook([](void* self) { ++static_cast<Counter*>(self)->turns; }, this);
        }
        int turns = 0;
    };
    LoopCore a, b;
    Counter& first = a.service<Counter>();
    CHECK(&a.service<Counter>() == &first);  // made once
    CHECK(&b.service<Counter>() != &first);  // per loop
    // A timer firing three times is at least three turns.
    int fired = 0;
    const std::uint64_t id = a.set_timer(1, 1, [&] {
        if (++fired == 3) uv_stop(a.uv());
    }, false);
    uv_run(a.uv(), UV_RUN_DEFAULT);
    a.clear_timer(id);
    CHECK(fired == 3);
    CHECK(first.turns >= 3);
    CHECK(b.service<Counter>().turns == 0);  // b never ran
    // The socket table is such a service, found from the libuv loop alone.
    CHECK(&SocketTable::of(a.uv()) == &a.service<SocketTable>());
}

TEST_CASE("SocketTable spares: at most max_spare_outputs kept, trimmed, reused last in first out") {
    LoopCore loop;
    SocketTable& table = loop.service<SocketTable>();
    std::vector<std::unique_ptr<SocketOutput>> held;
    for (std::size_t i = 0; i < SocketTable::max_spare_outputs + 36; ++i) held.push_back(table.take_output());
    CHECK(table.outputs_lent() == SocketTable::max_spare_outputs + 36);
    CHECK(table.spare_outputs() == 0);
    for (auto& out : held) table.give_back_output(std::move(out));
    CHECK(table.outputs_lent() == 0);
    CHECK(table.spare_outputs() == SocketTable::max_spare_outputs);

    // A small buffer keeps its capacity (the next writer appends without a malloc); a burst's does not.
    auto small = table.take_output();
    small->queued.assign(1000, 's');
    SocketOutput* small_ptr = small.get();
    table.give_back_output(std::move(small));
    auto again = table.take_output();
    CHECK(again.get() == small_ptr);
    CHECK(again->queued.empty());
    CHECK(again->queued.capacity() >= 1000);
    again->queued.assign(1 << 20, 'b');
    again->in_flight.assign(1 << 20, 'f');
    table.give_back_output(std::move(again));
    auto trimmed = table.take_output();
    CHECK(trimmed->queued.capacity() <= SocketOutput::spare_capacity);
    CHECK(trimmed->in_flight.capacity() <= SocketOutput::spare_capacity);
    CHECK_FALSE(trimmed->writing);

    // Given back after a flush: the capacity stays for the next message, until the tick trims the spares.
    trimmed->queued.assign(16 * 1024, 'e');
    table.give_back_output(std::move(trimmed), false);
    auto kept = table.take_output();
    CHECK(kept->queued.capacity() >= 16 * 1024);
    table.give_back_output(std::move(kept), false);
    table.trim_spare_outputs();
    auto calm = table.take_output();
    CHECK(calm->queued.capacity() <= SocketOutput::spare_capacity);
    table.give_back_output(std::move(calm));
}

TEST_CASE("idle connections hold no output; after a burst the loop keeps at most max_spare_outputs") {
    ServerThread server([](duplex::App&, duplex::WsServer& wss) { echo_route(wss); });
    REQUIRE(server.ws_port() > 0);
    constexpr std::size_t clients = SocketTable::max_spare_outputs + 36;
    std::vector<std::unique_ptr<WsRawClient>> ws;
    for (std::size_t i = 0; i < clients; ++i) {
        ws.push_back(std::make_unique<WsRawClient>(server.ws_port()));
        REQUIRE(ws.back()->open("/echo"));
    }
    // All send before any reads: many connections hold an output at once, more than the spares kept.
    for (auto& c : ws) REQUIRE(c->send_text(std::string(3000, 'a')));
    for (auto& c : ws) CHECK(c->read_message() == std::string(3000, 'a'));
    CHECK(all_outputs_back(server));
    OutputCounts counts = output_counts(server);
    CHECK(counts.spare > 0);
    CHECK(counts.spare <= SocketTable::max_spare_outputs);
    // The connections stay open and write again with the spares.
    for (std::size_t i = 0; i < clients; ++i) REQUIRE(ws[i]->send_text("again " + std::to_string(i)));
    for (std::size_t i = 0; i < clients; ++i) CHECK(ws[i]->read_message() == "again " + std::to_string(i));
    CHECK(server.stop());
}

TEST_CASE("an output written out in full goes back in the same loop turn, not on the next tick") {
    ServerThread server([](duplex::App&, duplex::WsServer& wss) { echo_route(wss); });
    REQUIRE(server.ws_port() > 0);
    WsRawClient ws(server.ws_port());
    REQUIRE(ws.open("/echo"));
    CHECK(all_outputs_back(server));
    for (int round = 0; round < 20; ++round) {
        CAPTURE(round);
        REQUIRE(ws.send_text("ping " + std::to_string(round)));
        CHECK(ws.read_message() == "ping " + std::to_string(round));
        // The echo arrived, so the flush that wrote it has run: no waiting for the 100 ms tick here.
        CHECK(output_counts(server).lent == 0);
    }
    CHECK(server.stop());
}

TEST_CASE("a connection idle between messages reuses a spare output and still writes through uv_write") {
    ServerThread server([](duplex::App&, duplex::WsServer& wss) { echo_route(wss); });
    REQUIRE(server.ws_port() > 0);
    WsRawClient ws(server.ws_port());
    REQUIRE(ws.open("/echo"));
    // Every write cut to a third: each flush leaves the rest to one uv_write, from the pooled buffers.
    duplex::detail::SocketFaults faults{.on_write = [](std::size_t len) {
        return static_cast<int>(std::max<std::size_t>(1, len / 3));
    }};
    server.run_on_loop([&] { duplex::detail::set_socket_faults(&faults); });
    for (unsigned round = 0; round < 4; ++round) {
        CAPTURE(round);
        CHECK(all_outputs_back(server));  // idle: the next message starts from a spare
        const std::string payload = pattern_bytes(100 * 1024 + round * 7000, round + 1);
        REQUIRE(ws.send_binary(payload));
        CHECK(ws.read_message() == payload);
    }
    server.run_on_loop([] { duplex::detail::set_socket_faults(nullptr); });
    CHECK(server.stop());
}

TEST_CASE("the peer resets while a uv_write is in flight: the output comes back after the close, fds too") {
    ServerThread server([](duplex::App& app, duplex::WsServer&) {
        app.get("/big", [](duplex::Request&, duplex::Response& res) { res.send(pattern_bytes(16 << 20)); });
    }, {}, false);
    REQUIRE(server.http_port() > 0);
    int fds = open_fd_count();
    {
        RawClient c(server.http_port());
        REQUIRE(c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
        // The client reads nothing: the kernel takes a few MiB and the rest waits in a uv_write, past ticks.
        CHECK(wait_until([&] { return output_counts(server).lent == 1; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(3 * SocketTable::tick_ms));
        CHECK(output_counts(server).lent == 1);
        c.reset();
    }
    CHECK(all_outputs_back(server));
    CHECK(wait_fd_count_at_most(fds) <= fds);
    CHECK(server.stop());
}

}  // TEST_SUITE
