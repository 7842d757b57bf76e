// ContentEncoder: one streamed body in a content coding (gzip or deflate through zlib, br through libbrotli), and
// encode_whole for a body given at once.
//
// A stream's memory is fixed when it is made and does not grow with the body: zlib's window and hash tables
// (262 KiB at the default memLevel, whatever the level) or brotli's window and tables (390 KiB at the default
// quality 1 and its 64 KiB window; a level set higher costs more, 1.6 MiB at quality 4), plus whatever one call
// appends to the caller's string.
// Lifetime: one per streamed response. Threads: one thread at a time.
#pragma once

#include "middleware/accept_encoding.h"

#include <memory>
#include <string>
#include <string_view>

namespace duplex::detail {

class ContentEncoder {
public:
    /// `level`: zlib's 1-9 or brotli's quality 0-11; -1 picks a default for streams (zlib 6, brotli 1).
    /// Null for Identity, or when the library cannot allocate its state.
    static std::unique_ptr<ContentEncoder> make(Coding coding, int level);
    virtual ~ContentEncoder() = default;

    /// Appends the coded form of `in` to `out`, flushed so the peer can decode everything given so far; `last`
    /// ends the stream (gzip's trailer, brotli's last block). False if the library failed (the stream is dead).
    virtual bool encode(std::string_view in, bool last, std::string& out) = 0;
};

/// `in` coded whole into `out` (appended). Uses a per-thread zlib stream reset between bodies, so a small answer
/// allocates nothing for the coding. `level` as above; -1 is zlib 6 and brotli 5 here.
bool encode_whole(Coding coding, int level, std::string_view in, std::string& out);

}  // namespace duplex::detail
