#include "ws/extensions.h"

#include "http/http_tokens.h"

namespace duplex::detail::ws {
namespace {

// Reads the header left to right; every take_* returns false on a syntax error.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ == text_.size(); }
    bool next_is(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
    void skip(char c) {
        if (next_is(c)) ++pos_;
    }
    void skip_ows() {
        while (pos_ < text_.size() && is_ows(text_[pos_])) ++pos_;
    }

    bool take_token(std::string& out) {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_tchar(text_[pos_])) ++pos_;
        out.assign(text_.substr(start, pos_ - start));
        return pos_ > start;
    }

    // quoted-string (RFC 7230 3.2.6), unescaped into `out`.
    bool take_quoted(std::string& out) {
        ++pos_;  // opening DQUOTE
        out.clear();
        while (pos_ < text_.size()) {
            const auto c = static_cast<unsigned char>(text_[pos_++]);
            if (c == '"') return true;
            if (c == '\\') {
                if (pos_ == text_.size()) return false;
                const auto escaped = static_cast<unsigned char>(text_[pos_++]);
                if (escaped != '\t' && (escaped < 0x20 || escaped == 0x7f)) return false;
                out += static_cast<char>(escaped);
            } else if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                out += static_cast<char>(c);
            } else {
                return false;
            }
        }
        return false;  // no closing DQUOTE
    }

    bool take_value(std::string& out) {
        if (next_is('"')) return take_quoted(out) && is_token(out);
        return take_token(out);
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

bool take_param(Cursor& in, ExtensionParam& param) {
    if (!in.take_token(param.name)) return false;
    in.skip_ows();
    if (!in.next_is('=')) return true;
    in.skip('=');
    in.skip_ows();
    param.value.emplace();
    if (!in.take_value(*param.value)) return false;
    in.skip_ows();
    return true;
}

bool take_extension(Cursor& in, Extension& ext) {
    if (!in.take_token(ext.name)) return false;
    in.skip_ows();
    while (in.next_is(';')) {
        in.skip(';');
        in.skip_ows();
        if (!take_param(in, ext.params.emplace_back())) return false;
    }
    return true;
}

}  // namespace

bool parse_extensions(std::string_view header, std::vector<Extension>& out) {
    const std::size_t original_size = out.size();
    Cursor in(header);
    for (;;) {
        in.skip_ows();
        if (in.at_end()) return true;
        if (in.next_is(',')) {  // empty element
            in.skip(',');
            continue;
        }
        if (!take_extension(in, out.emplace_back())) break;
        if (in.at_end()) return true;
        if (!in.next_is(',')) break;
        in.skip(',');
    }
    out.resize(original_size);
    return false;
}

}  // namespace duplex::detail::ws
