#include "middleware/accept_encoding.h"

#include "http/http_tokens.h"

#include <algorithm>

namespace duplex::detail {

std::string_view coding_name(Coding coding) noexcept {
    switch (coding) {
    case Coding::Gzip: return "gzip";
    case Coding::Deflate: return "deflate";
    case Coding::Brotli: return "br";
    case Coding::Identity: break;
    }
    return "identity";
}

void AcceptEncodingParser::feed(std::string_view bytes) noexcept {
    for (const char c : bytes) {
        if (state_ == State::Bad) return;
        step(c);
    }
}

// The name just ended: which weight, if any, the element sets.
void AcceptEncodingParser::end_name() noexcept {
    const std::string_view name(name_, name_len_ <= sizeof name_ ? name_len_ : 0);
    if (name == "gzip" || name == "x-gzip") slot_ = &result_.gzip;
    else if (name == "deflate") slot_ = &result_.deflate;
    else if (name == "br") slot_ = &result_.br;
    else if (name == "identity") slot_ = &result_.identity;
    else if (name == "*") slot_ = &result_.any;
    else slot_ = nullptr;
    q_ = 1000;
}

void AcceptEncodingParser::end_element() noexcept {
    if (slot_ && *slot_ < 0) *slot_ = q_;
    slot_ = nullptr;
    state_ = State::Element;
}

void AcceptEncodingParser::step(char c) noexcept {
    const bool ows = c == ' ' || c == '\t';
    switch (state_) {
    case State::Element:  // before a name: OWS and empty elements
        if (ows || c == ',') return;
        if (!is_tchar(c)) break;
        name_len_ = 0;
        state_ = State::Name;
        [[fallthrough]];
    case State::Name:
        if (is_tchar(c)) {
            if (name_len_ < sizeof name_) name_[name_len_] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (name_len_ <= sizeof name_) ++name_len_;
            return;
        }
        end_name();
        state_ = State::AfterName;
        [[fallthrough]];
    case State::AfterName:
        if (ows) return;
        if (c == ',') return end_element();
        if (c == ';') {
            state_ = State::Param;
            return;
        }
        break;
    case State::Param:  // OWS ";" OWS "q="
        if (ows) return;
        if (c != 'q' && c != 'Q') break;
        state_ = State::Equals;
        return;
    case State::Equals:
        if (c != '=') break;
        state_ = State::QFirst;
        return;
    case State::QFirst:
        if (c != '0' && c != '1') break;
        q_ = c == '1' ? 1000 : 0;
        frac_digits_ = 0;
        state_ = State::QDot;
        return;
    case State::QDot:
        if (c == '.') {
            state_ = State::QFrac;
            return;
        }
        state_ = State::AfterQ;
        return step(c);
    case State::QFrac:  // at most three digits, and only zeros after a 1
        if (c >= '0' && c <= '9') {
            if (frac_digits_ == 3 || (q_ >= 1000 && c != '0')) break;
            static constexpr std::int16_t kScale[] = {100, 10, 1};
            q_ = static_cast<std::int16_t>(q_ + (c - '0') * kScale[frac_digits_++]);
            return;
        }
        state_ = State::AfterQ;
        [[fallthrough]];
    case State::AfterQ:
        if (ows) return;
        if (c == ',') return end_element();
        break;
    case State::Bad:
        break;
    }
    state_ = State::Bad;
}

AcceptedCodings AcceptEncodingParser::finish() noexcept {
    switch (state_) {
    case State::Name:
        end_name();
        end_element();
        break;
    case State::Element:
    case State::AfterName:
    case State::QDot:
    case State::QFrac:
    case State::AfterQ:
        end_element();
        break;
    default:
        result_ = AcceptedCodings{.present = true, .valid = false};
    }
    return result_;
}

AcceptedCodings parse_accept_encoding(std::string_view value) noexcept {
    AcceptEncodingParser parser;
    parser.feed(value);
    return parser.finish();
}

Coding negotiate(const AcceptedCodings& accepted, const CodingOffer& offer) noexcept {
    if (!accepted.present || !accepted.valid) return Coding::Identity;
    const auto weight = [&](std::int16_t listed) {
        return listed >= 0 ? listed : std::max<std::int16_t>(accepted.any, 0);
    };
    // Identity competes only with a weight of its own: "gzip;q=0.2, identity;q=0.8" means identity.
    Coding best = Coding::Identity;
    std::int16_t best_q = std::max<std::int16_t>(accepted.identity, 0);
    const auto consider = [&](bool offered, Coding coding, std::int16_t listed) {
        const std::int16_t q = weight(listed);
        if (offered && q > 0 && (q > best_q || (best == Coding::Identity && q == best_q))) {
            best = coding;
            best_q = q;
        }
    };
    consider(offer.br, Coding::Brotli, accepted.br);
    consider(offer.gzip, Coding::Gzip, accepted.gzip);
    consider(offer.deflate, Coding::Deflate, accepted.deflate);
    return best;
}

}  // namespace duplex::detail
