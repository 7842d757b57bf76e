#include "duplex/compression.h"

#include "http/body_transform.h"
#include "http/form_etag.h"
#include "http/http_tokens.h"
#include "http/middleware_access.h"
#include "middleware/accept_encoding.h"
#include "middleware/content_encoder.h"

#include <charconv>
#include <memory>

namespace duplex {

namespace {

using detail::Coding;
using detail::ResponseHead;

// Types whose bytes are compressed already (coding them again only costs CPU): images but SVG, audio, video,
// archives and compressed fonts.
bool already_compressed(std::string_view type) {
    type = detail::trim_ows(type.substr(0, type.find(';')));
    const auto starts = [&](std::string_view prefix) {
        return type.size() >= prefix.size() && detail::ascii_iequals(type.substr(0, prefix.size()), prefix);
    };
    if (starts("image/")) return !detail::ascii_iequals(type, "image/svg+xml");
    if (starts("audio/") || starts("video/") || starts("font/woff")) return true;
    static constexpr std::string_view kArchives[] = {
        "application/zip", "application/gzip", "application/x-gzip", "application/x-bzip2", "application/x-xz",
        "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed", "application/zstd",
        "application/x-compress", "application/java-archive", "application/x-brotli"};
    for (const std::string_view a : kArchives)
        if (detail::ascii_iequals(type, a)) return true;
    return false;
}

struct Settings {
    CompressionOptions options;
    detail::CodingOffer offer;
};

// The transform a request that negotiated a coding gets (an Identity request gets only Vary, from an on_headers hook).
class CompressionTransform final : public detail::BodyTransform {
public:
    CompressionTransform(std::shared_ptr<const Settings> settings, Coding coding)
        : settings_(std::move(settings)), coding_(coding) {}

    bool begin(ResponseHead& head, std::int64_t body_size) override {
        head.add_vary("Accept-Encoding");
        const bool streamed = body_size < 0;  // written in pieces, whatever Content-Length it declared
        if (streamed) body_size = declared_length(head);
        if (!codes(head, head.header("Content-Type"), body_size)) return false;
        if (streamed || body_size > static_cast<std::int64_t>(kWholeAtOnce)) {
            encoder_ = detail::ContentEncoder::make(coding_, settings_->options.level);
            if (!encoder_) return false;  // no memory for a coder: the body goes as it is
        }
        head.remove("Content-Length");
        head.set("Content-Encoding", detail::coding_name(coding_));
        const std::string etag = detail::tagged_etag(head.header("ETag"), detail::coding_name(coding_));
        if (!etag.empty()) head.set("ETag", etag);
        return true;
    }

    void apply(std::string_view in, bool last, std::string& out) override {
        if (encoder_) encoder_->encode(in, last, out);
        else detail::encode_whole(coding_, settings_->options.level, in, out);
    }

    std::string_view form_for(const ResponseHead& head, std::string_view type, std::uint64_t size) const override {
        return codes(head, type, static_cast<std::int64_t>(size)) ? detail::coding_name(coding_) : std::string_view();
    }

    bool make_form(std::string_view body, std::string& out) const override {
        // Brotli's best quality codes about 1 MB/s: above 64 KiB a step down keeps the one-time cost short.
        const int best = coding_ != Coding::Brotli ? 9 : body.size() <= 64 * 1024 ? 11 : 9;
        return detail::encode_whole(coding_, best, body, out);
    }

private:
    // Whole bodies up to this size are coded in one call (a per-thread coder, no allocation); larger ones,
    // like streams, through a coder of their own (bounded memory however large the body).
    static constexpr std::size_t kWholeAtOnce = 1 << 20;

    static std::int64_t declared_length(const ResponseHead& head) {
        const std::string_view value = head.header("Content-Length");
        std::int64_t n = -1;
        if (std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc()) return -1;
        return n;
    }

    bool codes(const ResponseHead& head, std::string_view type, std::int64_t size) const {
        const CompressionOptions& o = settings_->options;
        const int status = head.status();
        if (head.head_only() || status < 200 || status == 204 || status == 206 || status == 304) return false;
        if (size >= 0 && static_cast<std::uint64_t>(size) < o.threshold) return false;
        if (!head.header("Content-Encoding").empty()) return false;
        if (detail::list_has_token(head.header("Cache-Control"), "no-transform")) return false;
        return o.filter ? o.filter(type) : !already_compressed(type);
    }

    std::shared_ptr<const Settings> settings_;
    Coding coding_;
    std::unique_ptr<detail::ContentEncoder> encoder_;
};

}  // namespace

Middleware compression(CompressionOptions options) {
    auto settings = std::make_shared<Settings>();
    settings->offer = {.br = options.br, .gzip = options.gzip, .deflate = options.deflate};
    settings->options = std::move(options);
    return [settings = std::shared_ptr<const Settings>(std::move(settings))](Request& req, Response& res, Next next) {
        // Every Accept-Encoding line, as one list.
        detail::AcceptEncodingParser parser;
        bool first = true;
        for (std::size_t i = 0; i < req.header_count(); ++i) {
            const auto [name, value] = req.header_at(i);
            if (!detail::ascii_iequals(name, "accept-encoding")) continue;
            if (!first) parser.feed(", ");
            parser.feed(value);
            first = false;
        }
        detail::AcceptedCodings accepted = parser.finish();
        accepted.present = !first;
        const Coding coding = detail::negotiate(accepted, settings->offer);
        if (coding == Coding::Identity)  // the usual case without Accept-Encoding: no coder, only Vary
            detail::MiddlewareAccess::on_headers(res, [](ResponseHead& head) { head.add_vary("Accept-Encoding"); });
        else
            detail::MiddlewareAccess::set_transform(res, std::make_unique<CompressionTransform>(settings, coding));
        next();
    };
}

}  // namespace duplex
