// MultipartParser: a multipart/form-data body (RFC 7578 over RFC 2046's framing) as a stream of parts: each part's
// head (name, filename, content type), its data in order, its end. Feed it any split of the body, one byte at a
// time included; it holds at most one delimiter's bytes and one part head between calls, whatever the body's size.
//
// Pure: no I/O. The part head's size and the number of parts are bounded here (413); what the parts may hold is the
// caller's to bound in its callbacks. A filename is reported as received: it is metadata, never a path.
// Lifetime: one per body. Threads: the owner's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace duplex::detail {

struct PartHead {
    std::string name;                     // Content-Disposition's name
    std::optional<std::string> filename;  // present for a file field (possibly empty: no file chosen)
    std::string content_type;             // "" when the part has none (text/plain by RFC 7578)
};

class MultipartParser {
public:
    // The caller's side. A false return stops the parser (Status::Stopped): the caller has its own reason.
    struct Events {
        virtual ~Events() = default;
        virtual bool part_begin(const PartHead& head) = 0;
        virtual bool part_data(std::string_view bytes) = 0;
        virtual bool part_end() = 0;
    };
    enum class Status { More, Done, Error, Stopped };

    // The boundary parameter of a multipart/form-data Content-Type; nullopt when the type is another one or the
    // boundary is missing, empty, longer than 70 bytes or has bytes RFC 2046 does not allow.
    static std::optional<std::string> boundary_of(std::string_view content_type);

    MultipartParser(std::string_view boundary, std::size_t max_head_bytes, std::size_t max_parts, Events& events);

    // Consumes all of `bytes` (unless an error or a stop comes first). Done: the close delimiter was seen (what
    // follows, the epilogue, is ignored).
    Status feed(std::string_view bytes);
    // The body ended: Done, or Error when it ended before the close delimiter.
    Status finish();
    // After Error: 400 (malformed) or 413 (a part head or the number of parts over its bound), and why.
    int error_status() const { return error_status_; }
    std::string_view error_reason() const { return error_reason_; }

private:
    enum class State { Preamble, AfterDelimiter, Dash2, Padding, PaddingLf, Head, Body, Done, Error, Stopped };
    Status fail(int status, const char* reason);
    Status status() const;
    // Body and preamble bytes: the next delimiter split out of them; true when one was completed.
    bool scan(std::string_view bytes, std::size_t& i);
    bool head_byte(char c);
    bool parse_head();
    bool emit(std::string_view bytes);

    std::string delimiter_;  // CRLF "--" boundary
    std::size_t matched_ = 2;  // bytes of delimiter_ matched; the body starts as if after a CRLF
    std::size_t max_head_bytes_;
    std::size_t max_parts_;
    std::size_t parts_ = 0;
    Events& events_;
    State state_ = State::Preamble;
    std::string head_;   // the current part's header section
    PartHead part_;
    int error_status_ = 0;
    const char* error_reason_ = "";
};

}  // namespace duplex::detail
