// RedisLink: one connection to Redis on the loop, spoken through hiredis's reply reader (redisReader) over
// duplex's own Socket and TcpConnector: name resolution through uv_getaddrinfo, connect and handshake bounded by
// one timeout, writes corked per loop turn. Once connected it sends AUTH (when the URL has a password), SELECT
// (db other than 0) and PING, and is ready when each has answered as it should; every later reply goes to its
// owner. Anything else (a refused AUTH, a reply that is not RESP, silence, a reply too large, the peer closing,
// mid-reply or not) ends the link with a reason, once.
//
// Why not hiredis's async context and its libuv adapter: in 0.14.1, a reply nobody asked for and a malformed
// pub/sub message are assert()s (a fake or broken server would abort the process), redisAsyncConnect resolves
// names with a blocking getaddrinfo, and there is no connect timeout.
//
// Lifetime: shared_ptr (the socket holds it while open). close() ends it without telling the owner; the owner
// must close() its links before it goes. Threads: loop thread only.
#pragma once

#include "bus/redis_url.h"
#include "net/socket_protocol.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

struct redisReader;
struct redisReply;

namespace duplex::detail {
class LoopCore;
class Socket;
namespace client { class TcpConnector; }
}  // namespace duplex::detail

namespace duplex::detail::bus {

class RedisLink;

// What a link tells its owner. Called on the loop thread; the owner may close() the link from inside.
class RedisLinkOwner {
public:
    virtual void on_link_ready(RedisLink& link) = 0;
    virtual void on_link_reply(RedisLink& link, const redisReply& reply) = 0;
    virtual void on_link_down(RedisLink& link, const std::string& reason) = 0;

protected:
    ~RedisLinkOwner() = default;
};

// RESP framing of commands, appended to a buffer.
void append_array_header(std::string& out, std::size_t count);
// One bulk string made of head then body (so an envelope and its payload need no joining copy).
void append_bulk(std::string& out, std::string_view head, std::string_view body = {});

class RedisLink final : public Protocol, public std::enable_shared_from_this<RedisLink> {
public:
    // Replies (and whatever arrives before them) may hold at most this many unread bytes: a bound on what a
    // broken server can make us buffer.
    static constexpr std::size_t kMaxReplyBytes = 256u << 20;

    RedisLink(LoopCore& core, RedisLinkOwner& owner, RedisUrl url, std::chrono::milliseconds timeout);
    ~RedisLink() override;
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;

    void start();
    // Ends the link; the owner hears nothing more.
    void close();
    bool ready() const { return ready_; }
    // The buffer to append commands to (valid until control returns to the loop), then commit(). Null unless ready.
    std::string* output();
    void commit();
    // Bytes written and not yet taken by the kernel.
    std::size_t buffered() const;

    // Protocol
    void on_data(char* data, std::size_t len) override;
    void on_eof() override;
    void on_timeout() override;
    void on_closed(int status) override;

private:
    void connected(Socket* socket, const std::string& error);
    void handshake_reply(const redisReply& reply);
    void fail(const std::string& reason);

    LoopCore& core_;
    RedisLinkOwner* owner_;  // null once closed or failed
    RedisUrl url_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<client::TcpConnector> connector_;
    Socket* socket_ = nullptr;
    redisReader* reader_ = nullptr;
    // The handshake's commands in the order sent; ready once all have answered.
    std::string handshake_[3];
    int handshake_count_ = 0, handshake_answered_ = 0;
    bool ready_ = false;
};

}  // namespace duplex::detail::bus
