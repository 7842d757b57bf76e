#pragma once
// The compression half of permessage-deflate (RFC 7692 section 7.2): raw DEFLATE streams (zlib, negative windowBits)
// with the 00 00 ff ff flush marker removed on send and restored on receive.
//
// Lifetime and threads: one Inflater and one Deflater per connection (one per direction), owned by the WebSocket
// session and used only on its loop thread. Movable, not copyable.
//
// Memory per connection: nothing until the first compressed message, since the zlib streams are created lazily.
// Then, per zlib's zconf.h: a Deflater holds (1 << (window_bits + 2)) + (1 << (mem_level + 9)) bytes, i.e. 256 KiB at
// window 15 / memLevel 8 and 129 KiB at memLevel 1; an Inflater holds (1 << window_bits) plus about 7 KiB, i.e. about
// 39 KiB at window 15. A no_context_takeover stream is reset (not freed) after each message, keeping its memory.
//
// Window bits 8: zlib cannot make raw streams with windowBits 8. Because a DEFLATE stream is valid for a window W when
// no match distance exceeds W, the Deflater compresses with windowBits 9 and the Z_RLE strategy (every match has
// distance 1), which honours a 256-byte window exactly at the cost of weaker compression. The Inflater always uses at
// least 9 bits, which decodes any 8-bit stream and tolerates peers that silently raise 8 to 9.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ws/permessage_deflate.h"
#include "ws/ws_constants.h"

struct z_stream_s;

namespace duplex::detail::ws {

enum class InflateResult {
    Ok,
    TooBig,         // the message would inflate past max_out: close with 1009
    Corrupt,        // not a valid DEFLATE stream: close with 1007
    InternalError,  // zlib could not allocate its state: close with 1011
};

class Inflater {
public:
    Inflater(std::uint8_t window_bits, bool no_context_takeover);
    ~Inflater();
    Inflater(Inflater&&) noexcept;
    Inflater& operator=(Inflater&&) noexcept;

    // Inflates the next piece of one compressed message and appends the output to `out`. A message may be fed in
    // several calls (e.g. one per frame); `last` marks its final piece, after which the RFC 7692 tail is applied.
    // Output is produced in bounded steps and `out.size()` never exceeds `max_out`: TooBig is returned as soon as more
    // would follow, so a tiny "zip bomb" costs at most max_out bytes. After any result but Ok the message is
    // abandoned, the stream is reset and the connection is expected to close.
    InflateResult inflate(std::string_view compressed, std::string& out, std::size_t max_out, bool last = true);

private:
    InflateResult run(std::string_view input, std::string& out, std::size_t max_out);
    InflateResult end_message(InflateResult result);
    void restart_with_window();

    struct StreamDeleter {
        void operator()(z_stream_s* stream) const;
    };
    std::unique_ptr<z_stream_s, StreamDeleter> stream_;  // created on first use
    int window_bits_;
    bool no_context_takeover_;
    bool message_has_data_ = false;  // some compressed byte of the current message was fed
    bool final_block_seen_ = false;  // the peer closed the stream with BFINAL=1 inside this message
};

class Deflater {
public:
    Deflater(std::uint8_t window_bits, bool no_context_takeover, int mem_level = 8);
    ~Deflater();
    Deflater(Deflater&&) noexcept;
    Deflater& operator=(Deflater&&) noexcept;

    // Compresses one whole message with Z_SYNC_FLUSH and appends it to `out` without the trailing 00 00 ff ff.
    // False (and `out` unchanged) only if zlib failed, e.g. could not allocate its state.
    bool deflate(std::string_view message, std::string& out);
    // Forgets the context: the next message refers to nothing before it. For a peer that was sent a message this
    // stream did not compress (a shared published frame), whose window no longer matches ours.
    void reset();

private:
    struct StreamDeleter {
        void operator()(z_stream_s* stream) const;
    };
    std::unique_ptr<z_stream_s, StreamDeleter> stream_;  // created on first use
    int window_bits_;
    int mem_level_;
    bool no_context_takeover_;
};

// The two streams of one connection, configured from the agreed parameters as seen by `role`: a server compresses
// with the server_* parameters and inflates with the client_* ones, a client the other way round.
struct DeflateStreams {
    Deflater deflater;
    Inflater inflater;
};
DeflateStreams make_deflate_streams(const DeflateParams& params, Role role, int mem_level = 8);

}  // namespace duplex::detail::ws
