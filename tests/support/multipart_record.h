// A MultipartParser run written down as one string ("B<name>|<filename or ~>|<type>", "D<bytes>", "E", then the
// status), so that feeding the same body in different splits can be compared whole. Data events are joined, since
// how a part's bytes are cut depends on the split. Shared by the unit tests and the fuzz target.
#pragma once

#include "middleware/multipart_parser.h"

#include <string>
#include <string_view>

namespace testing_support {

struct MultipartRecord : duplex::detail::MultipartParser::Events {
    std::string log;
    bool in_data = false;
    bool part_begin(const duplex::detail::PartHead& h) override {
        in_data = false;
        log += "B" + h.name + "|" + (h.filename ? *h.filename : "~") + "|" + h.content_type + "\n";
        return true;
    }
    bool part_data(std::string_view bytes) override {
        if (!in_data) log += "D";
        in_data = true;
        log.append(bytes);
        return true;
    }
    bool part_end() override {
        if (in_data) log += "\n";
        in_data = false;
        log += "E\n";
        return true;
    }
};

// Feeds `body` cut at each offset of `cuts` (increasing), then finishes; returns the log and the outcome.
template <class Cuts>
std::string run_multipart(std::string_view boundary, std::string_view body, const Cuts& cuts,
                          std::size_t max_head = 1024, std::size_t max_parts = 100) {
    MultipartRecord rec;
    duplex::detail::MultipartParser p(boundary, max_head, max_parts, rec);
    using Status = duplex::detail::MultipartParser::Status;
    Status s = Status::More;
    std::size_t from = 0;
    auto piece = [&](std::size_t to) {
        if (s == Status::More && to > from) s = p.feed(body.substr(from, to - from));
        from = std::max(from, to);
    };
    for (std::size_t c : cuts) piece(std::min<std::size_t>(c, body.size()));
    piece(body.size());
    if (s == Status::More) s = p.finish();
    if (rec.in_data) rec.log += "\n";
    if (s == Status::Error) return rec.log + "error " + std::to_string(p.error_status());
    return rec.log + (s == Status::Done ? "done" : "more");
}

}  // namespace testing_support
