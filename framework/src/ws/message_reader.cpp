#include "ws/message_reader.h"

#include <cstring>

namespace duplex::detail::ws {
namespace {

// After a large fragmented message the buffer is freed rather than kept: an idle connection should not
// hold on to its biggest message. Smaller buffers are kept to avoid an allocation per message.
constexpr std::size_t retained_capacity = 64 * 1024;

}  // namespace

void MessageReader::feed(char* data, std::size_t size, MessageSink& sink) {
    char* pos = data;
    char* const end = data + size;
    while (state_ == State::Reading) {
        const FrameEvent event = parser_.next(pos, end);
        switch (event.kind) {
        case FrameEvent::Kind::NeedMore:
            return;
        case FrameEvent::Kind::Error:
            fail(sink, event.close_code, event.reason);
            return;
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
}

void MessageReader::on_header(MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    if (is_control(frame.opcode)) {
        control_size_ = 0;
        return;
    }
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
    if (++fragments_ > config_.max_fragments) return fail(sink, CloseCode::MessageTooBig, "too many fragments");
    // Checked on the declared length, before a byte of the frame is buffered. message_ never exceeds
    // the limit, so the subtraction cannot wrap.
    if (frame.payload_size > config_.max_message_size - message_.size())
        return fail(sink, CloseCode::MessageTooBig, "message too big");
}

void MessageReader::on_data(const FrameEvent& event, MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    // Validated as the bytes arrive, so bad text fails before the rest of the message is awaited.
    if (check_utf8_ && !utf8_.feed(event.payload))
        return fail(sink, CloseCode::InvalidPayload, "text message is not UTF-8");

    std::string_view message = event.payload;
    // Zero-copy: the whole frame is in this chunk, it ends the message and nothing came before it.
    const bool in_place = event.frame_end && frame.fin && message_.empty() &&
                          event.payload.size() == frame.payload_size;
    if (!in_place) {
        message_.append(event.payload);
        if (!event.frame_end || !frame.fin) return;
        message = message_;
    }
    if (check_utf8_ && !utf8_.complete())
        return fail(sink, CloseCode::InvalidPayload, "text message ends inside a UTF-8 sequence");
    in_message_ = false;
    sink.on_message(message_opcode_, message, compressed_);
    message_.clear();
    if (message_.capacity() > retained_capacity) std::string().swap(message_);
}

void MessageReader::on_control(const FrameEvent& event, MessageSink& sink) {
    const FrameHeader& frame = parser_.header();
    std::string_view payload = event.payload;
    if (!event.frame_end || event.payload.size() != frame.payload_size) {
        // The parser bounds control payloads to 125 bytes, so this always fits control_.
        std::memcpy(control_.data() + control_size_, event.payload.data(), event.payload.size());
        control_size_ += event.payload.size();
        if (!event.frame_end) return;
        payload = std::string_view(control_.data(), control_size_);
    }
    // RFC 6455 5.5.1: nothing may follow a Close, so stop before the sink sees it.
    if (frame.opcode == Opcode::Close) state_ = State::Closed;
    sink.on_control(frame.opcode, payload);
}

void MessageReader::fail(MessageSink& sink, CloseCode code, std::string_view reason) {
    state_ = State::Failed;
    sink.on_error(to_wire(code), reason);
}

}  // namespace duplex::detail::ws
