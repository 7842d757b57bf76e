#include "middleware/multipart_parser.h"

#include "http/http_tokens.h"
#include "middleware/header_params.h"

#include <cstring>

namespace duplex::detail {

namespace {
// RFC 2046 5.1.1 bchars: what a boundary may hold (a space, but not as its last byte).
constexpr auto kBchars = alnum_and("'()+_,-./:=? ");
}  // namespace

std::optional<std::string> MultipartParser::boundary_of(std::string_view content_type) {
    if (!ascii_iequals(header_main_value(content_type), "multipart/form-data")) return std::nullopt;
    std::optional<std::string> b = header_param(content_type, "boundary");
    if (!b || b->empty() || b->size() > 70 || b->back() == ' ') return std::nullopt;
    for (char c : *b)
        if (!kBchars[static_cast<unsigned char>(c)]) return std::nullopt;
    return b;
}

MultipartParser::MultipartParser(std::string_view boundary, std::size_t max_head_bytes, std::size_t max_parts,
                                 Events& events)
    : delimiter_("\r\n--"), max_head_bytes_(max_head_bytes), max_parts_(max_parts), events_(events) {
    delimiter_.append(boundary);
}

MultipartParser::Status MultipartParser::fail(int status, const char* reason) {
    state_ = State::Error;
    error_status_ = status;
    error_reason_ = reason;
    return Status::Error;
}

MultipartParser::Status MultipartParser::status() const {
    switch (state_) {
    case State::Done: return Status::Done;
    case State::Error: return Status::Error;
    case State::Stopped: return Status::Stopped;
    default: return Status::More;
    }
}

bool MultipartParser::emit(std::string_view bytes) {
    if (state_ != State::Body || bytes.empty()) return true;  // preamble bytes are dropped
    if (events_.part_data(bytes)) return true;
    state_ = State::Stopped;
    return false;
}

bool MultipartParser::scan(std::string_view bytes, std::size_t& i) {
    while (i < bytes.size()) {
        if (matched_ == 0) {
            // Not inside a possible delimiter: everything up to the next CR is data.
            const void* cr = std::memchr(bytes.data() + i, '\r', bytes.size() - i);
            const std::size_t stop = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - bytes.data())
                                        : bytes.size();
            if (!emit(bytes.substr(i, stop - i))) return false;
            i = stop;
            if (i == bytes.size()) return false;
        }
        if (bytes[i] == delimiter_[matched_]) {
            ++i;
            if (++matched_ == delimiter_.size()) {
                matched_ = 0;
                return true;
            }
            continue;
        }
        // The bytes held as a possible delimiter were data after all. A boundary has no CR, so only the byte
        // that broke the match can start the next delimiter: it is looked at again from the start.
        // (The body's start counts as after a CRLF: those two bytes were never held.)
        const std::size_t held = matched_;
        const bool at_start = state_ == State::Preamble;
        matched_ = 0;
        if (!at_start && !emit(std::string_view(delimiter_).substr(0, held))) return false;
    }
    return false;
}

MultipartParser::Status MultipartParser::feed(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        switch (state_) {
        case State::Preamble:
        case State::Body:
            if (!scan(bytes, i)) return status();
            if (state_ == State::Body && !events_.part_end()) {
                state_ = State::Stopped;
                return status();
            }
            state_ = State::AfterDelimiter;
            break;
        case State::AfterDelimiter: {
            const char c = bytes[i++];
            if (c == '-') state_ = State::Dash2;
            else if (c == '\r') state_ = State::PaddingLf;
            else if (c == ' ' || c == '\t') state_ = State::Padding;
            else return fail(400, "bytes after a multipart boundary");
            break;
        }
        case State::Dash2:
            if (bytes[i++] != '-') return fail(400, "malformed close delimiter");
            state_ = State::Done;
            return Status::Done;
        case State::Padding: {
            const char c = bytes[i++];
            if (c == '\r') state_ = State::PaddingLf;
            else if (c != ' ' && c != '\t') return fail(400, "bytes after a multipart boundary");
            break;
        }
        case State::PaddingLf:
            if (bytes[i++] != '\n') return fail(400, "a multipart boundary not ended by CRLF");
            if (++parts_ > max_parts_) return fail(413, "too many parts");
            head_.clear();
            state_ = State::Head;
            break;
        case State::Head:
            if (!head_byte(bytes[i++])) return status();
            break;
        case State::Done:
            return Status::Done;  // the epilogue
        case State::Error:
            return Status::Error;
        case State::Stopped:
            return Status::Stopped;
        }
    }
    return status();
}

bool MultipartParser::head_byte(char c) {
    if (head_.size() >= max_head_bytes_) {
        fail(413, "part headers too large");
        return false;
    }
    head_.push_back(c);
    // The header section ends with an empty line: CRLF at its very start, or CRLFCRLF.
    const bool ended = head_ == "\r\n" || (head_.size() >= 4 && head_.compare(head_.size() - 4, 4, "\r\n\r\n") == 0);
    if (!ended) return true;
    if (!parse_head()) return false;
    state_ = State::Body;
    if (events_.part_begin(part_)) return true;
    state_ = State::Stopped;
    return false;
}

bool MultipartParser::parse_head() {
    part_ = PartHead{};
    bool disposition = false;
    std::string_view rest(head_);
    rest.remove_suffix(2);  // the empty line's CRLF
    while (!rest.empty()) {
        const std::size_t eol = rest.find("\r\n");
        const std::string_view line = rest.substr(0, eol);
        rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
            fail(400, "malformed part header");
            return false;
        }
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim_ows(line.substr(colon + 1));
        if (!is_field_value(value)) {
            fail(400, "malformed part header");
            return false;
        }
        if (ascii_iequals(name, "content-disposition")) {
            if (disposition || !ascii_iequals(header_main_value(value), "form-data")) {
                fail(400, "a part without a single form-data Content-Disposition");
                return false;
            }
            disposition = true;
            std::optional<std::string> field = header_param(value, "name");
            if (!field) {
                fail(400, "a part without a name");
                return false;
            }
            part_.name = std::move(*field);
            part_.filename = header_param(value, "filename");
        } else if (ascii_iequals(name, "content-type")) {
            part_.content_type = std::string(value);
        }
    }
    if (!disposition) {
        fail(400, "a part without a single form-data Content-Disposition");
        return false;
    }
    return true;
}

MultipartParser::Status MultipartParser::finish() {
    if (state_ == State::Done || state_ == State::Error || state_ == State::Stopped) return status();
    return fail(400, "the multipart body ended before its close delimiter");
}

}  // namespace duplex::detail
