// PublishedFrame: one published message as its subscribers need it: the plain frame, built at once, and the same
// message compressed once (permessage-deflate without context, window 15), built on the first subscriber that can
// take it. Every deflate subscriber whose window holds it can (WsSession::takes_shared_deflate): a message that
// refers to nothing before it inflates the same with context takeover or without, so one compressed frame serves
// them all (uWebSockets' shared compressor, without forcing server_no_context_takeover on the connections: a
// subscriber with context takeover only restarts its own stream after it, see WsSession::note_shared_deflate).
//
// Lifetime: a value; as a cluster's SharedFrame it is immutable and shared. Threads: const methods from any thread
// (the compressed form is made once, under a lock); reset() by its owner only, when nothing else holds it.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace duplex::detail {

class PublishedFrame {
public:
    PublishedFrame() = default;
    PublishedFrame(std::string_view payload, bool binary) { reset(payload, binary); }

    // Frames payload again (a scratch frame reused by one thread).
    void reset(std::string_view payload, bool binary);
    // The whole uncompressed frame.
    std::string_view plain() const { return plain_; }
    std::size_t payload_size() const { return plain_.size() - header_; }
    // The compressed frame (RSV1 set), made on the first call; empty when compressing failed or saved nothing.
    std::string_view deflated() const;
    // A reused scratch frame gives back memory past keep_bytes after a large message.
    void trim(std::size_t keep_bytes);

private:
    std::string plain_;
    std::size_t header_ = 0;
    bool binary_ = false;
    mutable std::atomic<bool> made_{false};
    mutable std::mutex make_;
    mutable std::string deflated_;
};

}  // namespace duplex::detail
