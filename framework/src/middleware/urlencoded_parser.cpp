#include "middleware/urlencoded_parser.h"

#include "http/url.h"

namespace duplex::detail {

UrlencodedParser::Status UrlencodedParser::feed(std::string_view piece) {
    if (status_ != Status::Ok) return status_;
    if (piece.size() > limit_ - bytes_) return fail(Status::TooLarge);
    bytes_ += piece.size();
    std::size_t i = 0;
    while (i < piece.size()) {
        const char c = piece[i];
        if (escape_digits_ >= 0) {
            const int digit = hex_digit_value(c);
            if (digit < 0) return fail(Status::BadEscape);
            escape_value_ = escape_value_ * 16 + digit;
            if (++escape_digits_ == 2) {
                text().push_back(static_cast<char>(escape_value_));
                escape_digits_ = -1;
            }
            ++i;
            continue;
        }
        if (c == '&') {
            in_pair_ = false;
            ++i;
            continue;
        }
        if (!in_pair_) {
            if (fields_.size() == max_fields_) return fail(Status::TooManyFields);
            fields_.emplace_back();
            in_pair_ = true;
            in_value_ = false;
        }
        if (c == '=' && !in_value_) {
            in_value_ = true;
            ++i;
        } else if (c == '+') {
            text().push_back(' ');
            ++i;
        } else if (c == '%') {
            escape_digits_ = 0;
            escape_value_ = 0;
            ++i;
        } else {
            // The run of bytes that need no translation, in one append.
            std::size_t end = i + 1;
            while (end < piece.size() && piece[end] != '&' && piece[end] != '+' && piece[end] != '%' &&
                   (in_value_ || piece[end] != '='))
                ++end;
            text().append(piece.data() + i, end - i);
            i = end;
        }
    }
    return status_;
}

UrlencodedParser::Status UrlencodedParser::finish() {
    if (status_ == Status::Ok && escape_digits_ >= 0) fail(Status::BadEscape);
    return status_;
}

}  // namespace duplex::detail
