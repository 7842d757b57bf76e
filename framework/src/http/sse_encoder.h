// The text/event-stream encoder (HTML standard, "Server-sent events", 9.2.5): one event or comment into the bytes
// a browser's EventSource parses back into exactly it. Pure: no I/O, no state.
// Threads: any.
#pragma once

#include "duplex/sse.h"

#include <chrono>
#include <string>
#include <string_view>

namespace duplex::detail {

// Appends the event's fields and the blank line that dispatches it. Each line of data (split at CR, LF or CRLF, the
// three line ends the browser's parser knows) gets a "data: " line of its own; the space after the colon is the
// one the parser strips, so data that starts with a space keeps it. False (and nothing appended) when event or id
// would break their line: a CR or LF in either, a NUL in id (the browser ignores such an id).
bool encode_event(std::string& out, const SseEvent& event);

// Appends a lone "retry:" field and a blank line: no event is dispatched, the browser only takes the new delay.
void encode_retry(std::string& out, std::chrono::milliseconds delay);

// Appends text as comment lines (":" then the line), one per line of text; nothing is dispatched by them.
void encode_comment(std::string& out, std::string_view text);

}  // namespace duplex::detail
