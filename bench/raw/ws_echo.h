// The raw server's WebSocket side: the smallest correct upgrade (101 with Sec-WebSocket-Accept) and a frame-level
// echo: each client frame is unmasked and sent back unmasked with the same FIN bit and opcode; ping gets pong,
// close gets its close frame back.
//
// Pure functions: any thread, no I/O. SHA-1 and base64 come from OpenSSL's libcrypto.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace raw {

enum class UpgradeResult { need_more, upgraded, rejected };

// Looks for a complete request head in `in`; when it carries a Sec-WebSocket-Key, appends the 101 answer to out and
// sets used to the head's length. Anything else is rejected (the caller closes the connection).
UpgradeResult answer_upgrade(std::string_view in, std::string& out, std::size_t& used);

enum class EchoResult { ok, close, protocol_error };

// Echoes every complete frame of `in` into out; used tells how many bytes were consumed. close means a close frame
// was answered and the connection should end once out is written.
EchoResult echo_frames(std::string_view in, std::string& out, std::size_t& used);

}  // namespace raw
