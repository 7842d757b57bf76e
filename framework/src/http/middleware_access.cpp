#include "http/middleware_access.h"

#include "http/body_transform.h"
#include "http/exchange.h"
#include "http/http_session.h"
#include "http/response_writer.h"

namespace duplex::detail {

void MiddlewareAccess::on_headers(Response& res, HeadHook fn) {
    if (!fn) return;
    Exchange& ex = *res.ex_;
    // Two pointers: std::function keeps them in place, no allocation.
    detail::on_headers(ex, [&ex, fn] {
        ResponseHead head(ex);
        fn(head);
    });
}

void MiddlewareAccess::add_vary(Response& res, std::string_view field) { ResponseHead(*res.ex_).add_vary(field); }

void MiddlewareAccess::set_transform(Response& res, std::unique_ptr<BodyTransform> transform) {
    res.ex_->transform = std::move(transform);
}

void MiddlewareAccess::set_observer(Response& res, std::shared_ptr<ResponseObserver> observer) {
    res.ex_->observer = std::move(observer);
}

LoopCore* MiddlewareAccess::loop(const Response& res) noexcept {
    return res.ex_->session ? &res.ex_->session->loop_core() : nullptr;
}

void MiddlewareAccess::mark_endless(Response& res) noexcept { res.ex_->endless = true; }

}  // namespace duplex::detail
