#pragma once
// An incremental application/x-www-form-urlencoded parser (the WHATWG URL standard's form parsing, strict about
// escapes): pairs split on '&' (empty pieces skipped), the first '=' splits name from value (none: an empty value),
// '+' is a space, %XX is a byte and any other '%' is an error. Repeated names are kept, in order. It takes the body
// in pieces of any size (streamed bodies) and gives the same answer for every split.
//
// Lifetime: a value, one per body. Threads: one at a time.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duplex::detail {

class UrlencodedParser {
public:
    using Fields = std::vector<std::pair<std::string, std::string>>;
    enum class Status {
        Ok,
        BadEscape,      // '%' not followed by two hex digits
        TooManyFields,  // more than max_fields pairs
        TooLarge,       // more than limit bytes
    };

    UrlencodedParser(std::size_t limit, std::size_t max_fields) : limit_(limit), max_fields_(max_fields) {}

    // The next piece of the body. After an error, nothing more is read and the error is returned again.
    Status feed(std::string_view piece);
    // The end of the body (an escape cut short is an error).
    Status finish();
    Status status() const { return status_; }
    // The pairs read so far; complete once finish() returned Ok.
    Fields& fields() { return fields_; }

private:
    Status fail(Status s) { return status_ = s; }
    std::string& text() { return in_value_ ? fields_.back().second : fields_.back().first; }

    std::size_t limit_, max_fields_;
    std::size_t bytes_ = 0;
    Fields fields_;
    bool in_pair_ = false;   // a pair has begun and its '&' has not come yet
    bool in_value_ = false;  // past the pair's first '='
    int escape_digits_ = -1; // -1: no escape open; 0 or 1: hex digits of "%XX" seen so far
    int escape_value_ = 0;
    Status status_ = Status::Ok;
};

}  // namespace duplex::detail
