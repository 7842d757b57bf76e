// TestResponse's readers and TestRequest's builder (duplex/testing.h); sending is TestClient::perform.
#include "duplex/testing.h"

#include <strings.h>

namespace duplex::testing {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// application/x-www-form-urlencoded: unreserved bytes as they are, space as '+', the rest %XX.
void append_form_encoded(std::string_view in, std::string& out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : in) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

}  // namespace

std::string TestResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (same_name(n, name)) return v;
    return {};
}

std::vector<std::string> TestResponse::header_values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers)
        if (same_name(n, name)) out.push_back(v);
    return out;
}

bool TestResponse::has_header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (same_name(n, name)) return true;
    return false;
}

nlohmann::json TestResponse::json() const { return nlohmann::json::parse(body); }

TestRequest::TestRequest(TestClient& client, std::string method, std::string target)
    : client_(&client), method_(std::move(method)), target_(std::move(target)) {}

TestRequest& TestRequest::header(std::string_view name, std::string_view value) {
    headers_.emplace_back(name, value);
    return *this;
}

TestRequest& TestRequest::body(std::string_view bytes, std::string_view content_type) {
    body_ = bytes;
    if (!content_type.empty()) header("Content-Type", content_type);
    return *this;
}

TestRequest& TestRequest::json(const nlohmann::json& value) { return body(value.dump(), "application/json"); }

TestRequest& TestRequest::form(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string encoded;
    for (const auto& [name, value] : fields) {
        if (!encoded.empty()) encoded += '&';
        append_form_encoded(name, encoded);
        encoded += '=';
        append_form_encoded(value, encoded);
    }
    return body(encoded, "application/x-www-form-urlencoded");
}

TestRequest& TestRequest::follow_redirects(bool follow) {
    follow_ = follow;
    return *this;
}

TestRequest& TestRequest::timeout(std::chrono::milliseconds bound) {
    timeout_ = bound;
    return *this;
}

TestResponse TestRequest::send() { return client_->perform(*this); }

}  // namespace duplex::testing
