#include "duplex/request.h"

#include "duplex/error.h"
#include "duplex/json.h"
#include "http/http_tokens.h"
#include "http/url.h"
#include "metrics/route_names.h"

namespace duplex {

std::string Request::route_pattern() const { return detail::route_name(route_id_); }

using detail::ascii_iequals;

Request::Request() = default;
Request::~Request() = default;

void Request::set_json(nlohmann::json value) {
    if (json_) *json_ = std::move(value);
    else json_ = std::make_unique<nlohmann::json>(std::move(value));
    has_json_ = true;
}

void Request::clear() {
    storage_.clear();
    headers_.clear();
    target_ = {};
    path_ = {};
    query_span_ = {};
    mount_offset_ = 0;
    route_id_ = 0;
    method_ = {};
    major_ = minor_ = 1;
    body_.clear();
    pipe_.reset();
    files_.clear();
    files_cleanup_.reset();
    params_.clear();
    query_.clear();
    query_parsed_ = false;
    if (has_json_) *json_ = nullptr;
    has_json_ = false;
    remote_.clear();
    cookies_.clear();
    cookies_parsed_ = false;
    form_.clear();
    session_.reset();
}

std::string_view Request::header(std::string_view name) const {
    for (const auto& h : headers_)
        if (ascii_iequals(view({h.name_off, h.name_len}), name)) return view({h.value_off, h.value_len});
    return {};
}

bool Request::has_header(std::string_view name) const {
    for (const auto& h : headers_)
        if (ascii_iequals(view({h.name_off, h.name_len}), name)) return true;
    return false;
}

std::string Request::header_all(std::string_view name) const {
    std::string joined;
    for (const auto& h : headers_) {
        if (!ascii_iequals(view({h.name_off, h.name_len}), name)) continue;
        if (!joined.empty()) joined.append(", ");
        joined.append(view({h.value_off, h.value_len}));
    }
    return joined;
}

std::pair<std::string_view, std::string_view> Request::header_at(std::size_t i) const {
    const auto& h = headers_.at(i);
    return {view({h.name_off, h.name_len}), view({h.value_off, h.value_len})};
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [k, v] : params_)
        if (k == name) return v;
    return {};
}

const Request::Pairs& Request::query_params() const {
    if (!query_parsed_) {
        query_parsed_ = true;
        detail::NameValueList list;
        if (detail::parse_query(query_string(), list) == detail::DecodeStatus::Ok) {
            query_.reserve(list.size());
            for (const auto& nv : list) query_.emplace_back(nv.name, nv.value);
        }
    }
    return query_;
}

std::optional<std::string_view> Request::query(std::string_view key) const {
    for (const auto& [k, v] : query_params())
        if (k == key) return std::string_view(v);
    return std::nullopt;
}

const nlohmann::json& Request::json() const {
    if (!has_json_) throw Error(400, "request body was not parsed as JSON (use duplex::body::json())");
    return *json_;
}

}  // namespace duplex
