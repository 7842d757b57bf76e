#include "raw_client.h"

#include "support/poll_deadline.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testing_support {

namespace {
using Clock = std::chrono::steady_clock;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> HttpResponse::all(const std::string& lower_name) const {
    std::vector<std::string> out;
    auto [from, to] = headers.equal_range(lower_name);
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    return out;
}

RawClient::RawClient(int port, const char* host) { connect(port, host); }

RawClient::~RawClient() { close(); }

RawClient RawClient::adopt(int fd) {
    RawClient c;
    c.fd_ = fd;
    return c;
}

bool RawClient::connect(int port, const char* host) {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host, &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close();
        return false;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
}

bool RawClient::send(const std::string& bytes, std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    std::size_t off = 0;
    while (off < bytes.size()) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return false;
        }
        off += static_cast<std::size_t>(n);
    }
    return true;
}

bool RawClient::fill(Clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
}

std::string RawClient::recv_some(std::chrono::milliseconds bound) {
    fill(Clock::now() + bound);
    return buffer_;
}

std::optional<std::string> RawClient::recv_exact(std::size_t n, std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    while (buffer_.size() < n)
        if (!fill(deadline)) return std::nullopt;
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

std::optional<std::string> RawClient::recv_until(const std::string& marker, std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    std::size_t pos;
    while ((pos = buffer_.find(marker)) == std::string::npos)
        if (!fill(deadline)) return std::nullopt;
    std::string out = buffer_.substr(0, pos + marker.size());
    buffer_.erase(0, pos + marker.size());
    return out;
}

std::optional<HttpResponse> RawClient::read_response(std::chrono::milliseconds bound, bool head_only) {
    auto deadline = Clock::now() + bound;
    auto head = recv_until("\r\n\r\n", bound);
    if (!head) return std::nullopt;
    HttpResponse r;
    std::size_t line_end = head->find("\r\n");
    std::string status_line = head->substr(0, line_end);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    r.status = std::atoi(status_line.c_str() + 9);
    r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    std::size_t pos = line_end + 2;
    while (pos < head->size() - 2) {
        std::size_t e = head->find("\r\n", pos);
        std::string line = head->substr(pos, e - pos);
        std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            r.headers.emplace(lower(line.substr(0, colon)), v);
        }
        pos = e + 2;
    }
    bool no_body = head_only || r.status == 204 || r.status == 304 || r.status < 200;
    if (no_body) return r;
    auto left = [&] { return std::chrono::milliseconds(remaining_ms(deadline)); };
    if (r.has("content-length")) {
        auto body = recv_exact(std::stoull(r.header("content-length")), left());
        if (!body) return std::nullopt;
        r.body = *body;
    } else if (lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
        for (;;) {
            auto size_line = recv_until("\r\n", left());
            if (!size_line) return std::nullopt;
            std::size_t n = std::stoull(*size_line, nullptr, 16);
            auto chunk = recv_exact(n + 2, left());
            if (!chunk) return std::nullopt;
            if (n == 0) break;
            r.body.append(chunk->substr(0, n));
        }
    } else {
        while (fill(deadline)) {
        }
        r.body = std::move(buffer_);
        buffer_.clear();
    }
    return r;
}

bool RawClient::wait_closed(std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    while (!eof_) {
        if (fd_ < 0) return true;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) eof_ = true;
    }
    return true;
}

void RawClient::shutdown_write() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void RawClient::reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
}

void RawClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    eof_ = false;
}

std::optional<HttpResponse> http_request(int port, const std::string& raw_request, bool head_only) {
    RawClient c(port);
    if (!c.connected() || !c.send(raw_request)) return std::nullopt;
    return c.read_response(5s, head_only);
}

}  // namespace testing_support
