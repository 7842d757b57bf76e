#include "middleware/header_params.h"

#include "http/http_tokens.h"

namespace duplex::detail {

std::string_view header_main_value(std::string_view value) noexcept {
    return trim_ows(value.substr(0, value.find(';')));
}

std::optional<std::string> header_param(std::string_view value, std::string_view name) {
    std::size_t i = value.find(';');
    std::optional<std::string> found;
    while (i != std::string_view::npos && i < value.size()) {
        ++i;  // past ';'
        while (i < value.size() && is_ows(value[i])) ++i;
        const std::size_t eq = value.find('=', i);
        if (eq == std::string_view::npos) return trim_ows(value.substr(i)).empty() ? found : std::nullopt;
        const std::string_view key = trim_ows(value.substr(i, eq - i));
        if (!is_token(key)) return std::nullopt;
        i = eq + 1;
        while (i < value.size() && is_ows(value[i])) ++i;
        std::string v;
        if (i < value.size() && value[i] == '"') {
            bool closed = false;
            for (++i; i < value.size(); ++i) {
                if (value[i] == '\\' && i + 1 < value.size()) {
                    v.push_back(value[++i]);
                } else if (value[i] == '"') {
                    closed = true;
                    ++i;
                    break;
                } else {
                    v.push_back(value[i]);
                }
            }
            if (!closed) return std::nullopt;
            while (i < value.size() && is_ows(value[i])) ++i;
            if (i < value.size() && value[i] != ';') return std::nullopt;
        } else {
            const std::size_t end = value.find(';', i);
            v = std::string(trim_ows(value.substr(i, end == std::string_view::npos ? end : end - i)));
            i = end;
        }
        // The first of a repeated parameter wins; the rest must still be well-formed.
        if (!found && ascii_iequals(key, name)) found = std::move(v);
    }
    return found;
}

}  // namespace duplex::detail
