#include "net/socket.h"

#include "net/socket_table.h"
#include "util/slab_pool.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace duplex::detail {

namespace {
SocketFaults* g_faults = nullptr;
std::uint32_t saturate_ms(std::uint64_t ms) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(ms, UINT32_MAX));
}

// A body at least this large, written by write_now after a head, gets the head sent on its own first with MSG_MORE.
constexpr std::size_t more_threshold = 64 * 1024;

// send(2) with MSG_MORE: the kernel holds the bytes to join them to the next write instead of sending them as a
// segment of their own. What the kernel took, or a libuv error code (UV_EAGAIN when it is full).
int send_more(uv_tcp_t& tcp, std::string_view bytes) {
    uv_os_fd_t fd;
    if (const int rc = uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp), &fd); rc != 0) return rc;
    ssize_t n;
    do {
        n = ::send(fd, bytes.data(), bytes.size(), MSG_MORE | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return errno == EWOULDBLOCK ? UV_EAGAIN : -errno;  // libuv's codes are -errno on Unix
    return static_cast<int>(n);
}
}  // namespace

// Every idle connection pays sizeof(Socket) (Sockets sit back to back in slabs): keep it at the uv_tcp_t plus
// 40 bytes (288 on 64-bit Linux). Grow it only for something every connection needs.
static_assert(sizeof(Socket) <= sizeof(uv_tcp_t) + 40, "Socket grew: every idle connection pays for it");

void set_socket_faults(SocketFaults* faults) { g_faults = faults; }

// Only on_close deletes a Socket, after libuv has run every write callback: no uv_write is in flight here.
Socket::~Socket() { give_back_output(); }

Socket* Socket::create(LoopCore& core) {
    // From a slab rather than malloc: see SlabPool.
    auto* s = new (thread_slab_pool(sizeof(Socket), alignof(Socket)).allocate()) Socket();
    uv_tcp_init(core.uv(), &s->tcp_);
    s->tcp_.data = s;
    core.service<SocketTable>().track(s);
    return s;
}

void Socket::start(std::shared_ptr<Protocol> protocol) {
    protocol_ = std::move(protocol);
    resume_reading();
}

void Socket::start_filtered(std::shared_ptr<SocketFilter> filter) {
    filtered_ = true;
    start(std::move(filter));
}

void Socket::set_protocol(std::shared_ptr<Protocol> protocol) {
    if (filtered_) filter().set_inner(std::move(protocol));
    else protocol_ = std::move(protocol);
}

SocketTable& Socket::table() const { return SocketTable::of(tcp_.loop); }

SocketOutput& Socket::output() {
    if (!output_) output_ = table().take_output();
    return *output_;
}

void Socket::give_back_output(bool trim) {
    if (output_) table().give_back_output(std::move(output_), trim);
}

void Socket::release_idle_buffer(bool trim) {
    if (output_ && output_->empty() && !output_->writing) give_back_output(trim);
}

void Socket::write_shared(std::string_view bytes, const std::shared_ptr<const void>& owner) {
    if (bytes.size() < shared_write_min || filtered_) {  // a filter (TLS) seals a copy of every byte anyway
        write(bytes);
        return;
    }
    if (closing_ || ending_) return;
    SocketOutput& out = output();
    out.chunks.push_back({owner, bytes, out.queued.size()});
    out.chunk_bytes += bytes.size();
    commit();
}

void Socket::commit() {
    if (dirty_ || closing_) return;
    dirty_ = true;
    table().mark_dirty(this);
}

// write_queue_size: what the uv_write in flight has not handed to the kernel yet.
std::size_t Socket::buffered_amount() const {
    return (output_ ? output_->queued.size() + output_->chunk_bytes : 0) + tcp_.write_queue_size;
}

void Socket::flush() {
    dirty_ = false;
    if (closing_ || write_in_flight()) return;  // the write callback continues the flush
    if (filtered_) [[unlikely]] {
        flush_sealed();
        return;
    }
    if (!output_ || output_->empty()) return;
    if (!output_->chunks.empty()) [[unlikely]] {
        flush_chunks();
        return;
    }
    SocketOutput& out = *output_;
    std::string& q = out.queued;
    int fault = g_faults && g_faults->on_write ? g_faults->on_write(q.size()) : 0;
    int n;
    if (fault < 0) {
        n = fault;
    } else {
        uv_buf_t b = uv_buf_init(q.data(), static_cast<unsigned>(fault > 0 ? std::min<std::size_t>(fault, q.size()) : q.size()));
        n = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1);
    }
    const std::optional<std::size_t> taken = accepted(n);
    if (!taken) return;
    const std::size_t written = *taken;
    if (written == q.size()) {
        q.clear();
        release_if_over(q, SocketOutput::keep_capacity);
        after_drain();
        return;
    }
    // The kernel is full: hand the rest to libuv in one request and keep collecting new bytes in queued, which
    // takes over the emptied buffer of the previous uv_write (small writes reuse its capacity: no malloc).
    out.in_flight.swap(q);
    const uv_buf_t rest =
        uv_buf_init(out.in_flight.data() + written, static_cast<unsigned>(out.in_flight.size() - written));
    write_rest(&rest, 1);
}

void Socket::write_rest(const uv_buf_t* bufs, unsigned count) {
    SocketOutput& out = *output_;
    out.req.data = this;
    if (int rc = uv_write(&out.req, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, count, on_written); rc < 0) {
        out.in_flight.clear();
        out.in_flight_chunks.clear();
        close(rc);
        return;
    }
    out.writing = true;
    if (ending_) watch_progress();
    check_backlog();
}

namespace {
// The buffers of queue q with its chunks in their places, from byte `skip` of that stream on, at most `limit` bytes.
void gather(const std::string& q, const std::vector<SharedChunk>& chunks, std::size_t skip, std::size_t limit,
            std::vector<uv_buf_t>& iov) {
    iov.clear();
    auto add = [&](const char* p, std::size_t n) {
        if (skip >= n) {
            skip -= n;
            return;
        }
        p += skip;
        n = std::min(n - skip, limit);
        skip = 0;
        if (n == 0) return;
        limit -= n;
        iov.push_back(uv_buf_init(const_cast<char*>(p), static_cast<unsigned>(n)));
    };
    std::size_t from = 0;
    for (const SharedChunk& c : chunks) {
        add(q.data() + from, c.at - from);
        from = c.at;
        add(c.bytes.data(), c.bytes.size());
    }
    add(q.data() + from, q.size() - from);
}
}  // namespace

void Socket::flush_chunks() {
    SocketOutput& out = *output_;
    auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
    const std::size_t total = out.queued.size() + out.chunk_bytes;
    thread_local std::vector<uv_buf_t> iov;  // libuv copies what it keeps of it
    const int fault = g_faults && g_faults->on_write ? g_faults->on_write(total) : 0;
    int n = fault;
    if (fault >= 0) {
        gather(out.queued, out.chunks, 0, fault > 0 ? static_cast<std::size_t>(fault) : total, iov);
        n = uv_try_write(stream, iov.data(), static_cast<unsigned>(iov.size()));
    }
    const std::optional<std::size_t> taken = accepted(n);
    if (!taken) return;
    if (*taken == total) {
        out.clear_queued();
        release_if_over(out.queued, SocketOutput::keep_capacity);
        after_drain();
        return;
    }
    // As in flush(): the rest goes to one uv_write, which holds the chunks' owners until on_written.
    out.in_flight.swap(out.queued);
    out.in_flight_chunks.swap(out.chunks);
    out.chunk_bytes = 0;
    gather(out.in_flight, out.in_flight_chunks, *taken, total, iov);
    write_rest(iov.data(), static_cast<unsigned>(iov.size()));
}

void Socket::flush_sealed() {
    if (!protocol_) return;
    SocketOutput& out = output();
    std::string& wire = out.in_flight;  // empty: no write is in flight
    auto keep = protocol_;
    if (!filter().seal(out.queued, wire, ending_)) {
        wire.clear();
        close(UV_EPROTO);
        return;
    }
    if (wire.empty()) {
        if (ending_ && out.queued.empty()) after_drain();  // nothing more will come: on to the shutdown
        return;
    }
    uv_buf_t b = uv_buf_init(wire.data(), static_cast<unsigned>(wire.size()));
    const std::optional<std::size_t> taken = accepted(uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1));
    if (!taken) {
        wire.clear();
        return;
    }
    if (*taken == wire.size()) {
        wire.clear();
        release_if_over(wire, SocketOutput::spare_capacity);
        if (out.queued.empty()) after_drain();  // else plaintext waits for the handshake, which commits it
        return;
    }
    const uv_buf_t rest = uv_buf_init(wire.data() + *taken, static_cast<unsigned>(wire.size() - *taken));
    write_rest(&rest, 1);
}

std::optional<std::size_t> Socket::accepted(int n) {
    if (n == UV_EAGAIN || n == UV_ENOSYS) return 0;  // the kernel is full
    if (n < 0) {
        close(n);
        return std::nullopt;
    }
    return static_cast<std::size_t>(n);
}

std::size_t Socket::write_now(std::string_view bytes) {
    // Fault injection applies to flush(): under a test's faults every byte takes the usual path.
    if (closing_ || ending_ || write_in_flight() || g_faults || filtered_ || bytes.empty()) return 0;
    if (output_ && !output_->chunks.empty()) return 0;  // they go first, by flush()
    std::string* q = output_ && !output_->queued.empty() ? &output_->queued : nullptr;
    if (q && bytes.size() >= more_threshold) {
        // A head before a large body (a cached file): sent first with MSG_MORE rather than in one writev with the
        // body, the kernel spends about a fifth less time on a 1 MiB answer over loopback (measured with the
        // benchmark's http_1mib: 160 -> 130 us of system CPU per answer; uWebSockets.js does the same).
        const std::optional<std::size_t> head = accepted(send_more(tcp_, *q));
        if (!head) return 0;
        q->erase(0, *head);
        if (!q->empty()) return 0;  // the kernel is full: the usual path takes the rest
        q = nullptr;
    }
    uv_buf_t bufs[2];
    unsigned count = 0;
    if (q) bufs[count++] = uv_buf_init(q->data(), static_cast<unsigned>(q->size()));
    bufs[count++] = uv_buf_init(const_cast<char*>(bytes.data()),
                                static_cast<unsigned>(std::min<std::size_t>(bytes.size(), 1u << 30)));
    const int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), bufs, count);
    const std::optional<std::size_t> taken = accepted(n);
    if (!taken) return 0;
    std::size_t written = *taken;
    if (q) {
        const std::size_t from_queue = std::min(written, q->size());
        q->erase(0, from_queue);
        written -= from_queue;
    }
    return written;
}

void Socket::on_written(uv_write_t* req, int status) {
    auto* s = static_cast<Socket*>(req->data);
    SocketOutput& out = *s->output_;
    out.writing = false;
    out.in_flight.clear();  // libuv is done with it: the next flush may reuse it
    out.in_flight_chunks.clear();
    release_if_over(out.in_flight, SocketOutput::spare_capacity);
    if (s->closing_) return;
    if (status < 0) {
        s->close(status);
        return;
    }
    if (!out.empty() || (s->filtered_ && (s->ending_ || s->filter().wire_pending()))) {
        s->flush();
        return;
    }
    s->after_drain();
}

void Socket::after_drain() {
    if (backlogged_) {
        backlogged_ = false;
        if (want_reading_) resume_reading();
    }
    if (ending_) {
        if (!shut_down_) shutdown_now(output_ ? output_->linger_ms : 0);
        return;
    }
    if (protocol_) {
        auto keep = protocol_;
        keep->on_drain();
    }
}

void Socket::pause_reading() {
    want_reading_ = false;
    if (!reading_ || closing_) return;
    reading_ = false;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
}

void Socket::resume_reading() {
    want_reading_ = true;
    if (reading_ || closing_ || backlogged_) return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read) == 0) reading_ = true;
}

void Socket::check_backlog() {
    if (backlogged_ || closing_ || !protocol_) return;
    const std::size_t waiting = buffered_amount();
    if (waiting == 0) return;
    const std::size_t limit = protocol_->read_backlog_limit();
    if (limit == 0 || waiting <= limit) return;
    backlogged_ = true;
    if (reading_) {
        reading_ = false;
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    }
}

void Socket::on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    SocketTable& table = SocketTable::of(h->loop);
    *buf = uv_buf_init(table.read_buffer(), static_cast<unsigned>(table.read_buffer_size()));
}

void Socket::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* s = static_cast<Socket*>(stream->data);
    if (s->closing_) return;
    if (g_faults && g_faults->on_read && nread > 0) {
        int fault = g_faults->on_read();
        if (fault < 0) nread = fault;
    }
    if (nread > 0) {
        if (s->ending_) return;  // lingering: the peer's bytes are read only to be discarded
        auto keep = s->protocol_;
        if (keep) keep->on_data(buf->base, static_cast<std::size_t>(nread));
        s->check_backlog();  // answers are only queued here; the flush comes at the end of the loop turn
        return;
    }
    if (nread == 0) return;
    if (nread == UV_EOF) {
        if (s->ending_) {
            if (s->shut_down_) s->close();
            else s->pause_reading();  // nothing more to read; the shutdown callback closes
            return;
        }
        // Nothing more can come: a later end() then closes once its bytes are out, without lingering for an EOF
        // that is already here (a connect-and-close storm would otherwise hold each descriptor for the linger).
        s->pause_reading();
        auto keep = s->protocol_;
        if (keep) keep->on_eof();
        else s->close();
        return;
    }
    s->close(static_cast<int>(nread));
}

void Socket::end(std::uint64_t linger_ms, std::uint64_t progress_ms) {
    if (closing_ || ending_) return;
    ending_ = true;
    set_timeout(progress_ms);  // bounds the shutdown too, when libuv must wait to make it
    // The linger and the progress bound wait with the bytes to be written: an idle Socket carries no field
    // for them.
    // A filtered socket always flushes: its goodbye (TLS close_notify) goes out before the shutdown.
    if (filtered_ || write_in_flight() || (output_ && !output_->empty())) {
        output().linger_ms = saturate_ms(linger_ms);
        output_->progress_ms = saturate_ms(progress_ms);
        if (write_in_flight()) watch_progress();  // on_written goes on from there
        else flush();
        return;
    }
    shutdown_now(saturate_ms(linger_ms));
}

void Socket::watch_progress() {
    output_->unsent = unsent_bytes();
    set_timeout(output_->progress_ms);
}

std::size_t Socket::unsent_bytes() const {
    // The kernel's part alone moves while a large send buffer drains; libuv's only in steps of a third of it.
    int in_kernel = 0;
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<const uv_handle_t*>(&tcp_), &fd) != 0 || ::ioctl(fd, TIOCOUTQ, &in_kernel) != 0)
        in_kernel = 0;
    return buffered_amount() + static_cast<std::size_t>(std::max(in_kernel, 0));
}

namespace {
struct ShutdownOp {
    uv_shutdown_t req{};
    Socket* socket = nullptr;
    std::uint32_t linger_ms = 0;
};
}  // namespace

void Socket::shutdown_now(std::uint32_t linger_ms) {
    shut_down_ = true;
    // Nothing left in libuv's queue (the usual case): shut the write side down here. uv_shutdown would wait for
    // the socket to be writable first, an epoll_ctl each way and a loop turn, only to make the same call.
    uv_os_fd_t fd;
    if (!write_in_flight() && tcp_.write_queue_size == 0 &&
        uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) == 0) {
        after_shutdown(::shutdown(fd, SHUT_WR) == 0 ? 0 : uv_translate_sys_error(errno), linger_ms);
        return;
    }
    auto* op = new ShutdownOp{{}, this, linger_ms};
    op->req.data = op;
    if (uv_shutdown(&op->req, reinterpret_cast<uv_stream_t*>(&tcp_), on_shutdown) < 0) {
        delete op;
        close();
    }
}

void Socket::on_shutdown(uv_shutdown_t* req, int status) {
    std::unique_ptr<ShutdownOp> op(static_cast<ShutdownOp*>(req->data));
    op->socket->after_shutdown(status, op->linger_ms);
}

void Socket::after_shutdown(int status, std::uint32_t linger_ms) {
    if (closing_) return;
    if (status < 0 || !reading_) {
        close(status < 0 ? status : 0);
        return;
    }
    set_timeout(linger_ms);  // linger: wait for the peer's EOF, bounded
}

void Socket::close(int status) {
    if (closing_) return;
    closing_ = true;
    close_status_ = static_cast<std::int16_t>(status);
    if (reading_) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
    SocketTable& c = table();
    c.untrack(this);
    if (dirty_) c.forget_dirty(this);
    dirty_ = false;
    // The output goes back in the destructor: a uv_write in flight owns its buffer until libuv cancels it.
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void Socket::on_close(uv_handle_t* h) {
    auto* s = static_cast<Socket*>(h->data);
    auto protocol = std::move(s->protocol_);
    if (protocol) protocol->on_closed(s->close_status_);
    s->~Socket();
    SlabPool::release(s);
}

void Socket::set_timeout(std::uint64_t ms) { deadline_ = ms == 0 ? 0 : uv_now(tcp_.loop) + ms; }

void Socket::expire() {
    if (closing_) return;
    if (ending_) {
        // The peer took some of our bytes since the deadline was set: it is reading, give it another period.
        if (write_in_flight() && unsent_bytes() < output_->unsent) watch_progress();
        else close(UV_ETIMEDOUT);
        return;
    }
    auto keep = protocol_;
    if (keep) keep->on_timeout();
    else close(UV_ETIMEDOUT);
}

int Socket::connect(const sockaddr* addr, std::function<void(int)> cb) {
    struct ConnectOp {
        uv_connect_t req{};
        std::function<void(int)> cb;
    };
    auto* op = new ConnectOp{};
    op->cb = std::move(cb);
    op->req.data = op;
    int rc = uv_tcp_connect(&op->req, &tcp_, addr, [](uv_connect_t* req, int status) {
        auto* op = static_cast<ConnectOp*>(req->data);
        auto* s = static_cast<Socket*>(req->handle->data);
        auto fn = std::move(op->cb);
        delete op;
        if (status == UV_ECANCELED) return;
        if (status == 0) uv_tcp_nodelay(&s->tcp_, 1);
        fn(status);
        if (status < 0) s->close(status);
    });
    if (rc < 0) delete op;
    return rc;
}

namespace {
// Decimal digits of n appended to out: once per connection, where uv_ip4_name + to_string went through
// inet_ntop and snprintf (~2,300 instructions per connection in the connect profile).
void append_decimal(std::string& out, unsigned n) {
    char digits[10];
    int i = 0;
    do digits[i++] = static_cast<char>('0' + n % 10);
    while ((n /= 10) != 0);
    while (i > 0) out.push_back(digits[--i]);
}
}  // namespace

std::string Socket::peer_address() const {
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
    std::string out;
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        char ip[INET6_ADDRSTRLEN] = {};
        uv_ip6_name(a, ip, sizeof ip);
        out.append("[").append(ip).append("]:");
        append_decimal(out, ntohs(a->sin6_port));
        return out;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    const auto* b = reinterpret_cast<const unsigned char*>(&a->sin_addr.s_addr);  // network order: b[0] first
    for (int i = 0; i < 4; ++i) {
        append_decimal(out, b[i]);
        out.push_back(i < 3 ? '.' : ':');
    }
    append_decimal(out, ntohs(a->sin_port));
    return out;
}

}  // namespace duplex::detail
