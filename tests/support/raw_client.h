// RawClient: a blocking TCP client for integration tests, with a time bound on every call.
// HttpResponse: one parsed HTTP/1.1 response (Content-Length, chunked, or close-delimited bodies).
// Lifetime: RawClient owns its socket (closed by the destructor). Threads: the test's.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

using namespace std::chrono_literals;

struct HttpResponse {
    int status = 0;
    std::string reason;
    std::multimap<std::string, std::string> headers;  // lower-cased names
    std::string body;
    std::string header(const std::string& lower_name) const;
    bool has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
    // Every value of a header sent on several lines (Set-Cookie), in order.
    std::vector<std::string> all(const std::string& lower_name) const;
};

class RawClient {
public:
    RawClient() = default;
    RawClient(int port, const char* host = "127.0.0.1");
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;
    RawClient(RawClient&& o) noexcept : fd_(o.fd_), buffer_(std::move(o.buffer_)) { o.fd_ = -1; }

    bool connect(int port, const char* host = "127.0.0.1");
    // Takes ownership of an already connected socket (one a test's own listener accepted).
    static RawClient adopt(int fd);
    bool connected() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    // Sends everything (blocking, bounded). False on error.
    bool send(const std::string& bytes, std::chrono::milliseconds bound = 5s);
    // Whatever arrives within `bound` (at least one read), appended to the internal buffer and returned.
    std::string recv_some(std::chrono::milliseconds bound = 2s);
    // Reads until the buffer holds n bytes (returns them, removing them) or the bound passes (nullopt).
    std::optional<std::string> recv_exact(std::size_t n, std::chrono::milliseconds bound = 5s);
    // Reads until `marker` is in the buffer; returns the buffer up to and including it (and removes that).
    std::optional<std::string> recv_until(const std::string& marker, std::chrono::milliseconds bound = 5s);
    // One HTTP response (head_only: no body expected, e.g. for HEAD or 304).
    std::optional<HttpResponse> read_response(std::chrono::milliseconds bound = 5s, bool head_only = false);
    // True when the peer closed (EOF or reset) within the bound; unread data is discarded.
    bool wait_closed(std::chrono::milliseconds bound = 5s);
    // Half-close (shutdown write side) or abortive close (RST).
    void shutdown_write();
    void reset();
    void close();
    std::string& buffer() { return buffer_; }

private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
};

// One request on a fresh connection; returns the response.
std::optional<HttpResponse> http_request(int port, const std::string& raw_request, bool head_only = false);

}  // namespace testing_support
