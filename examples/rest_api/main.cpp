// rest_api: CRUD over an in-memory store, the shape of most JSON APIs.
//
//   GET    /items       every item, in id order
//   POST   /items       create one: 201, a Location header naming it, and the item (with its id) as the body
//   GET    /items/:id   one item, or 404
//   PUT    /items/:id   replace one (same validation as POST), or 404
//   DELETE /items/:id   remove one: 204, or 404
//
// An item is {"name": non-empty string, "quantity": integer >= 0}. A body that is not JSON, or a field that is
// missing or of the wrong type, is answered 400 with a message naming the field. Every error is JSON:
// {"error": "..."}.
//
//   build/examples/rest_api/rest_api --port 3000
//   curl -i -X POST localhost:3000/items -d '{"name": "apple", "quantity": 3}'
#include <duplex/duplex.h>

#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "../flags.h"

namespace {

// The store: the loop thread is the only thread touching it, so it needs no lock.
std::map<std::uint64_t, nlohmann::json> items;
std::uint64_t next_id = 1;

// Checks a request body and returns the item to store (only the known fields, so clients cannot store junk).
// Throwing duplex::Error from a handler sends the request to the error layers with that status.
nlohmann::json validated_item(const nlohmann::json& body) {
    if (!body.is_object()) throw duplex::Error(400, "the body must be a JSON object");
    auto name = body.find("name");
    if (name == body.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
        throw duplex::Error(400, "field 'name' must be a non-empty string");
    auto quantity = body.find("quantity");
    if (quantity == body.end() || !quantity->is_number_integer() || *quantity < 0)
        throw duplex::Error(400, "field 'quantity' must be an integer >= 0");
    return {{"name", *name}, {"quantity", *quantity}};
}

// The item named by the ":id" route parameter, or a 404 error. Ids are decimal numbers; anything else is unknown.
std::map<std::uint64_t, nlohmann::json>::iterator find_item(const duplex::Request& req) {
    std::string_view text = req.param("id");
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    auto it = ec == std::errc() && end == text.data() + text.size() ? items.find(id) : items.end();
    if (it == items.end()) throw duplex::Error(404, "no item with id '" + std::string(text) + "'");
    return it;
}

// The stored item as clients see it: its fields plus its id.
nlohmann::json with_id(std::uint64_t id, const nlohmann::json& item) {
    nlohmann::json out = item;
    out["id"] = id;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    int port = examples::port_flag(argc, argv, 3000);
    if (port < 0) {
        std::fputs("usage: rest_api [--port N]\n", stderr);
        return 2;
    }

    duplex::EventLoop loop;  // first created, last destroyed: everything below refers to it
    duplex::App app(loop);

    // body::json parses the body into req.json() before the handler runs; invalid JSON becomes Error(400).
    auto json_body = duplex::body::json({.limit = 64 * 1024});

    app.get("/items", [](duplex::Request&, duplex::Response& res) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& [id, item] : items) list.push_back(with_id(id, item));
        res.json(list);
    });
    app.post("/items", json_body, [](duplex::Request& req, duplex::Response& res) {
        nlohmann::json item = validated_item(req.json());  // first: a refused body must not use up an id
        std::uint64_t id = next_id++;
        items[id] = item;
        res.status(201).set("Location", "/items/" + std::to_string(id)).json(with_id(id, item));
    });
    app.get("/items/:id", [](duplex::Request& req, duplex::Response& res) {
        auto it = find_item(req);
        res.json(with_id(it->first, it->second));
    });
    app.put("/items/:id", json_body, [](duplex::Request& req, duplex::Response& res) {
        auto it = find_item(req);  // 404 before 400: a client fixing its body would still get nowhere
        it->second = validated_item(req.json());
        res.json(with_id(it->first, it->second));
    });
    app.del("/items/:id", [](duplex::Request& req, duplex::Response& res) {
        items.erase(find_item(req));
        res.status(204).end();
    });

    // The error layer: every thrown duplex::Error (and the 400/413 of body::json) answers as JSON. Errors of 500
    // and above hide their message, which may carry internals, behind a generic one.
    app.use_error([](const duplex::Error& e, duplex::Request&, duplex::Response& res, duplex::Next) {
        res.status(e.status()).json({{"error", e.status() >= 500 ? "internal error" : e.message()}});
    });

    // listen() returns 0 or a negative libuv error code: a port in use must stop the program, loudly.
    if (int rc = app.listen({.host = "127.0.0.1", .port = port}); rc != 0) {
        std::fprintf(stderr, "rest_api: cannot listen on port %d: %s\n", port, duplex::error_text(rc).c_str());
        return 1;
    }
    // The port actually bound (port 0 picks a free one); tests read this line.
    std::printf("listening on http://127.0.0.1:%d\n", app.port());
    std::fflush(stdout);
    loop.on_signal({SIGINT, SIGTERM}, [&](int) { app.close(); });  // graceful: finish what was received
    return loop.run();
}
