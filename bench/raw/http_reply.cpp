#include "http_reply.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace raw {

namespace {

std::string response(std::string_view status, std::string_view type, std::string_view body) {
    std::string r = "HTTP/1.1 ";
    r.append(status).append("\r\nContent-Type: ").append(type);
    r.append("\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n\r\n").append(body);
    return r;
}

std::string_view type_of(const std::filesystem::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    return "application/octet-stream";
}

// The path of a request head's first line ("GET /path HTTP/1.1"), without a query.
std::string_view request_path(std::string_view head) {
    const std::size_t start = head.find(' ');
    if (start == std::string_view::npos) return {};
    const std::size_t end = head.find_first_of(" ?\r", start + 1);
    return head.substr(start + 1, end == std::string_view::npos ? std::string_view::npos : end - start - 1);
}

}  // namespace

HttpReplies::HttpReplies(const std::string& static_dir)
    : hello_(response("200 OK", "application/json", "{\"hello\":\"bench\"}")),
      not_found_(response("404 Not Found", "text/plain", "Not Found")) {
    if (static_dir.empty()) return;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(static_dir, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        const std::string name = entry.path().filename().string();
        files_["/" + name] = response("200 OK", type_of(entry.path()), body);
        if (name == "index.html") files_["/"] = files_["/" + name];
    }
}

std::string_view HttpReplies::lookup(std::string_view path) const {
    if (path.starts_with("/api/hello/")) return hello_;
    const auto found = files_.find(path);
    return found == files_.end() ? std::string_view(not_found_) : std::string_view(found->second);
}

std::size_t HttpReplies::answer(std::string_view in, std::vector<std::string_view>& out) const {
    std::size_t used = 0;
    for (;;) {
        const std::size_t end = in.find("\r\n\r\n", used);
        if (end == std::string_view::npos) return used;
        out.push_back(lookup(request_path(in.substr(used, end - used))));
        used = end + 4;
    }
}

}  // namespace raw
