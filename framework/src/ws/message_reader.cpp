#include "ws/message_reader.h"

#include "util/buffer_capacity.h"

#include <algorithm>
#include <cstring>

namespace duplex::detail::ws {

// Every open connection carries one, idle or not: keep it this small.
static_assert(sizeof(MessageReader) <= 56, "MessageReader grew: it is part of every connection");

namespace {

// After a large fragmented message the buffer is freed rather than kept: an idle connection should not
// hold on to its biggest message. Smaller buffers are kept while a message is in progress (and until the
// end of the read), to avoid an allocation per frame.
constexpr std::size_t retained_capacity = 64 * 1024;

}  // namespace

void MessageReader::feed(char* data, std::size_t size, MessageSink& sink) {
    char* pos = data;
    char* const end = data + size;
    bool more = true;
    while (more && state_ == State::Reading) {
        const FrameEvent event = next_event(pos, end);
        switch (event.kind) {
        case FrameEvent::Kind::NeedMore:
            more = false;
            break;
        case FrameEvent::Kind::Error:
            fail(sink, event.close_code, event.reason);
            break;
        case FrameEvent::Kind::Header:
            on_header(sink);
            break;
        case FrameEvent::Kind::Payload:
            if (is_control(parser_.header().opcode))
                on_control(event, sink);
            else
                on_data(event, sink);
            break;
        }
    }
    release_if_idle();
}

// The parser decodes headers only when whole; a header cut by the end of a read is gathered here and
// handed to the parser again with each read, until it is complete.
FrameEvent MessageReader::next_event(char*& pos, char* end) {
    if (!pending_ || pending_->header_size == 0) {
        const FrameEvent event = parser_.next(pos, end);
        if (event.kind == FrameEvent::Kind::NeedMore && pos != end) {
            // Only the start of a header can be left over (payload bytes are always consumed).
            Pending& p = pending();
            p.header_size = static_cast<std::uint8_t>(end - pos);
            std::memcpy(p.header, pos, p.header_size);
            pos = end;
        }
        return event;
    }
    Pending& p = *pending_;
    const std::size_t gathered = p.header_size;
    // At most a whole header's worth: what the header does not use is read again from `pos` below.
    const std::size_t take = std::min(max_frame_header_size - gathered, static_cast<std::size_t>(end - pos));
    std::memcpy(p.header + gathered, pos, take);
    char* at = p.header;
    const FrameEvent event = parser_.next_header(at, p.header + gathered + take);
    if (event.kind == FrameEvent::Kind::Header) {
        // The header needed more than was gathered before, so this is past the start of this read.
        pos += (at - p.header) - static_cast<std::ptrdiff_t>(gathered);
        p.header_size = 0;
    } else {
        pos += take;  // NeedMore: all of it was taken and the header is still short; Error: the end
        p.header_size = static_cast<std::uint8_t>(gathered + take);
    }
    return event;
}

void MessageReader::on_header(MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    if (is_control(frame.opcode)) return;
    if (frame.opcode == Opcode::Continuation) {
        if (!in_message_) return fail(sink, CloseCode::ProtocolError, "continuation frame without a message");
    } else {
        if (in_message_) return fail(sink, CloseCode::ProtocolError, "new message inside a fragmented message");
        in_message_ = true;
        message_opcode_ = frame.opcode;
        compressed_ = frame.rsv1;
        check_utf8_ = frame.opcode == Opcode::Text && !frame.rsv1;
        fragments_ = 0;
        utf8_.reset();
    }
    if (++fragments_ > max_fragments_) return fail(sink, CloseCode::MessageTooBig, "too many fragments");
    // Checked on the declared length, before a byte of the frame is buffered. The buffer never exceeds
    // the limit, so the subtraction cannot wrap.
    const std::size_t buffered = pending_ ? pending_->message.size() : 0;
    if (frame.payload_size > max_message_size_ - buffered)
        return fail(sink, CloseCode::MessageTooBig, "message too big");
}

void MessageReader::on_data(const FrameEvent& event, MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    // Validated as the bytes arrive, so bad text fails before the rest of the message is awaited.
    if (check_utf8_ && !utf8_.feed(event.payload))
        return fail(sink, CloseCode::InvalidPayload, "text message is not UTF-8");

    std::string_view message = event.payload;
    const bool buffered = pending_ && !pending_->message.empty();
    // Zero-copy: the whole frame is in this chunk, it ends the message and nothing came before it.
    const bool in_place = event.frame_end && frame.fin && !buffered && event.payload.size() == frame.payload_size;
    if (!in_place) {
        // Empty fragments add nothing, so they need no buffer.
        if (!event.payload.empty()) pending().message.append(event.payload);
        if (!event.frame_end || !frame.fin) return;
        if (pending_) message = pending_->message;
    }
    if (check_utf8_ && !utf8_.complete())
        return fail(sink, CloseCode::InvalidPayload, "text message ends inside a UTF-8 sequence");
    in_message_ = false;
    sink.on_message(message_opcode_, message, compressed_);
    if (pending_) {
        std::string& kept = pending_->message;
        kept.clear();
        release_if_over(kept, retained_capacity);
    }
}

void MessageReader::on_control(const FrameEvent& event, MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    std::string_view payload = event.payload;
    if (!event.frame_end || event.payload.size() != frame.payload_size) {
        // The parser bounds control payloads to 125 bytes, so this always fits. A chunk that does not
        // end the frame is never empty, so an empty control frame never allocates.
        Pending& p = pending();
        std::memcpy(p.control + p.control_size, event.payload.data(), event.payload.size());
        p.control_size = static_cast<std::uint8_t>(p.control_size + event.payload.size());
        if (!event.frame_end) return;
        payload = std::string_view(p.control, p.control_size);
        p.control_size = 0;  // the bytes stay valid for the sink; the next control frame starts afresh
    }
    // RFC 6455 5.5.1: nothing may follow a Close, so stop before the sink sees it.
    if (frame.opcode == Opcode::Close) state_ = State::Closed;
    sink.on_control(frame.opcode, payload);
}

void MessageReader::fail(MessageSink& sink, std::uint16_t code, std::string_view reason) {
    state_ = State::Failed;
    sink.on_error(code, reason);
}

MessageReader::Pending& MessageReader::pending() {
    if (!pending_) pending_ = std::make_unique<Pending>();
    return *pending_;
}

// Run at the end of each feed(), after the sink has seen every view into the buffers.
void MessageReader::release_if_idle() noexcept {
    if (!pending_) return;
    const Pending& p = *pending_;
    const bool needed = state_ == State::Reading &&
                        (p.header_size != 0 || p.control_size != 0 || !p.message.empty() ||
                         (in_message_ && p.message.capacity() <= retained_capacity));
    if (!needed) pending_.reset();
}

}  // namespace duplex::detail::ws
