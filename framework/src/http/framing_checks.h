// Byte-level checks RequestParser adds to llhttp 8.1, each fed any split of the stream (one byte at a time
// included) and giving the same answer as for the whole:
// - ChunkFraming: the CRLF after each chunk's data (llhttp skips any two bytes there, a smuggling vector) and a
//   budget for chunk extensions (llhttp reads them without bound).
// - MethodScan: after llhttp refused a method, tells an unknown method (token then SP: 501, RFC 9110 9.1) from a
//   malformed request line (400).
// - StreamTail: the last two bytes of the current message, to see how it ended.
// - FoldWatch: obsolete line folding (RFC 9112 5.2) in a header line.
//
// Pure: no I/O, no allocation. Lifetime: members of a RequestParser. Threads: the owner's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace duplex::detail {

class ChunkFraming {
public:
    // A new message: no chunk open, the extension budget full.
    void reset() {
        left_ = 0;
        crlf_checked_ = 2;
        extension_bytes_ = 0;
    }
    // A chunk header announced `size` data bytes.
    void chunk_header(std::uint64_t size) { left_ = size; }
    // Chunk data [at, at + n) inside a buffer that ends at `end`. False when the data ends and the bytes after
    // it in this buffer are not the CRLF; the part of the CRLF beyond `end` is checked by next_buffer().
    bool data(const char* at, std::size_t n, const char* end);
    // The start of the next buffer. False when it does not complete the CRLF that is due.
    bool next_buffer(const char* data, std::size_t len) { return check_crlf(data, data + len); }
    // Extension bytes (names, values, and one for each separator). False once over `limit`.
    bool extension(std::size_t n, std::size_t limit) {
        extension_bytes_ += n;
        return extension_bytes_ <= limit;
    }

private:
    bool check_crlf(const char* p, const char* end);

    std::uint64_t left_ = 0;            // data bytes of the current chunk still to come
    std::uint8_t crlf_checked_ = 2;     // bytes of the CRLF due after chunk data seen so far; 2: none due
    std::size_t extension_bytes_ = 0;
};

class MethodScan {
public:
    // llhttp refused the byte after `token_seen` (whether the line already had method bytes before it).
    void start(bool token_seen) {
        active_ = true;
        token_ = token_seen;
        scanned_ = 0;
    }
    bool active() const { return active_; }
    // Reads on from where it stopped: 0 while undecided (all of `data` read), else the status (501 or 400).
    int scan(const char* data, std::size_t len);

private:
    bool active_ = false;
    bool token_ = false;
    std::size_t scanned_ = 0;
};

class StreamTail {
public:
    // A message boundary: what came before belongs to the message before.
    void reset() { last_[0] = last_[1] = 0; }
    void push(const char* data, std::size_t n) {
        if (n >= 2) {
            last_[0] = data[n - 2];
            last_[1] = data[n - 1];
        } else if (n == 1) {
            last_[0] = last_[1];
            last_[1] = data[0];
        }
    }
    // The byte before `pos` in the stream, `data` being where the current buffer starts (0 at a message start).
    char before(const char* data, const char* pos) const { return pos > data ? pos[-1] : last_[1]; }
    bool ends_with_crlf() const { return last_[0] == '\r' && last_[1] == '\n'; }

private:
    char last_[2] = {0, 0};
};

// Watches one header line from the end of its field name, as llhttp reported it, to the first byte after the line's
// LF: llhttp continues the value when that byte is SP or HT (an obs-fold, joined into the value; a proxy that reads
// it as a line of its own would see another header), ends it otherwise. Only bytes llhttp consumed are fed, and the
// watch stops by itself where llhttp decides, so it never reads past the head (a body's "\n " is no fold).
class FoldWatch {
public:
    // A field name just ended: watch the rest of its line.
    void start() { state_ = State::in_line; }
    void stop() { state_ = State::off; }
    bool watching() const { return state_ == State::in_line || state_ == State::after_lf; }
    // The next bytes of the stream. False (and for good) once a line ending is followed by SP or HT.
    bool scan(const char* p, std::size_t n);

private:
    enum class State : std::uint8_t { off, in_line, after_lf, folded };
    State state_ = State::off;
};

}  // namespace duplex::detail
