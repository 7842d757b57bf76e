#include "bus/redis_link.h"

#include "client/tcp_connector.h"
#include "loop/loop_core.h"
#include "net/socket.h"

#include <hiredis/hiredis.h>

#include <charconv>
#include <utility>

namespace duplex::detail::bus {

namespace {

void append_number_line(std::string& out, char type, std::size_t n) {
    char digits[24];
    auto r = std::to_chars(digits, digits + sizeof digits, n);
    out.push_back(type);
    out.append(digits, r.ptr);
    out.append("\r\n");
}

std::string reply_text(const redisReply& r) { return r.str ? std::string(r.str, r.len) : std::string(); }

}  // namespace

void append_array_header(std::string& out, std::size_t count) { append_number_line(out, '*', count); }

void append_bulk(std::string& out, std::string_view head, std::string_view body) {
    append_number_line(out, '$', head.size() + body.size());
    out.append(head);
    out.append(body);
    out.append("\r\n");
}

RedisLink::RedisLink(LoopCore& core, RedisLinkOwner& owner, RedisUrl url, std::chrono::milliseconds timeout)
    : core_(core), owner_(&owner), url_(std::move(url)), timeout_(timeout) {}

RedisLink::~RedisLink() {
    if (reader_) redisReaderFree(reader_);
}

void RedisLink::start() {
    std::weak_ptr<RedisLink> weak = weak_from_this();
    connector_ = std::make_shared<client::TcpConnector>(core_, [weak](Socket* socket, const std::string& error) {
        if (auto self = weak.lock()) self->connected(socket, error);
        else if (socket) socket->close();
    });
    connector_->start(url_.host, url_.port, timeout_);
}

void RedisLink::connected(Socket* socket, const std::string& error) {
    connector_.reset();
    if (!owner_) {
        if (socket) socket->close();
        return;
    }
    if (!socket) return fail(error);
    socket_ = socket;
    reader_ = redisReaderCreate();
    if (!reader_) return fail("out of memory");
    socket->start(shared_from_this());
    // The bridge never keeps EventLoop::run() going by itself: the servers do.
    uv_unref(reinterpret_cast<uv_handle_t*>(socket->tcp()));
    uv_tcp_nodelay(socket->tcp(), 1);
    uv_tcp_keepalive(socket->tcp(), 1, 30);
    std::string& out = socket->output_buffer();
    if (url_.has_password) {
        append_array_header(out, 2);
        append_bulk(out, "AUTH");
        append_bulk(out, url_.password);
        handshake_[handshake_count_++] = "AUTH";
    }
    if (url_.db != 0) {
        append_array_header(out, 2);
        append_bulk(out, "SELECT");
        append_bulk(out, std::to_string(url_.db));
        handshake_[handshake_count_++] = "SELECT";
    }
    append_array_header(out, 1);
    append_bulk(out, "PING");
    handshake_[handshake_count_++] = "PING";
    socket->commit();
    socket->set_timeout(static_cast<std::uint64_t>(timeout_.count()));
}

void RedisLink::handshake_reply(const redisReply& reply) {
    const std::string& what = handshake_[handshake_answered_++];
    if (reply.type == REDIS_REPLY_ERROR) return fail(what + " refused: " + reply_text(reply));
    const bool ok = reply.type == REDIS_REPLY_STATUS && reply_text(reply) == (what == "PING" ? "PONG" : "OK");
    if (!ok) return fail("unexpected answer to " + what + ": not a Redis server?");
    if (handshake_answered_ < handshake_count_) return;
    ready_ = true;
    socket_->set_timeout(0);
    owner_->on_link_ready(*this);
}

void RedisLink::on_data(char* data, std::size_t len) {
    if (!owner_) return;
    auto keep = shared_from_this();  // the owner may drop its reference while a reply is handled
    if (redisReaderFeed(reader_, data, len) != REDIS_OK) return fail("out of memory reading from Redis");
    while (owner_) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_, &raw) != REDIS_OK)
            return fail(std::string("protocol error: ") + reader_->errstr);
        if (!raw) break;
        std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
        if (!ready_) handshake_reply(*reply);
        else owner_->on_link_reply(*this, *reply);
    }
    if (owner_ && reader_->len - reader_->pos > kMaxReplyBytes) fail("a reply larger than 256 MiB");
}

void RedisLink::on_eof() {
    // Bytes not yet consumed, or an array begun (ridx 0 with no reply is only the reader's idle state).
    const bool mid_reply = reader_ && (reader_->len > reader_->pos || reader_->ridx > 0 || reader_->reply);
    fail(mid_reply ? "Redis closed the connection in the middle of a reply" : "Redis closed the connection");
}

void RedisLink::on_timeout() {
    fail("no answer from Redis within " + std::to_string(timeout_.count()) + " ms");
}

void RedisLink::on_closed(int status) {
    socket_ = nullptr;
    if (owner_) fail(std::string("connection lost: ") + uv_strerror(status != 0 ? status : UV_ECONNRESET));
}

void RedisLink::fail(const std::string& reason) {
    RedisLinkOwner* owner = owner_;
    close();
    if (owner) owner->on_link_down(*this, reason);
}

void RedisLink::close() {
    owner_ = nullptr;
    ready_ = false;
    if (connector_) {
        connector_->cancel();
        connector_.reset();
    }
    if (Socket* s = std::exchange(socket_, nullptr)) s->close();
}

std::string* RedisLink::output() { return ready_ && socket_ ? &socket_->output_buffer() : nullptr; }

void RedisLink::commit() {
    if (socket_) socket_->commit();
}

std::size_t RedisLink::buffered() const { return socket_ ? socket_->buffered_amount() : 0; }

}  // namespace duplex::detail::bus
