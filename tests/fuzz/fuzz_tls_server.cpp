// Fuzz target: the TLS server engine (tls::TlsEngine in accept state, with duplex's server context) fed arbitrary
// bytes as the client's side of a handshake, in pieces the input chooses; what the server says back is drained
// after every piece, as the socket would send it.
// Input layout (FuzzedDataProvider): the last byte is the largest piece (0: everything in one piece); each piece's
// length is then read from the end too (1 ... largest); the rest is the client's bytes.
// Invariants: a failed engine stays failed and says why; it never hands up plaintext before the handshake is done;
// a close with `ending` always succeeds or reports the failure; no crash, no leak (ASan, LSan).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_check.h"
#include "support/test_pki.h"
#include "tls/server_context.h"
#include "tls/tls_engine.h"

namespace {

using duplex::detail::tls::ServerContext;
using duplex::detail::tls::TlsEngine;

struct Sink final : TlsEngine::Reader {
    const TlsEngine* engine = nullptr;
    bool plaintext(char*, std::size_t len) override {
        FUZZ_CHECK(engine->handshake_done());
        FUZZ_CHECK(len > 0);
        return true;
    }
};

const ServerContext& context() {
    static const std::shared_ptr<const ServerContext> ctx = [] {
        const auto& pki = testing_support::test_pki();
        std::string error;
        auto made = ServerContext::create({.cert_file = pki.server.cert_file, .key_file = pki.server.key_file}, error);
        FUZZ_CHECK(made != nullptr);
        return made;
    }();
    return *ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const std::size_t largest = input.ConsumeIntegral<std::uint8_t>();
    TlsEngine engine(context().new_ssl());
    Sink sink;
    sink.engine = &engine;
    std::string plain, wire;
    TlsEngine::Status status = TlsEngine::Status::Ok;
    while (input.remaining_bytes() > 0 && status == TlsEngine::Status::Ok) {
        const std::size_t n = largest == 0 ? input.remaining_bytes()
                                           : input.ConsumeIntegralInRange<std::size_t>(1, largest);
        const std::string piece = input.ConsumeBytesAsString(n);
        status = engine.feed(piece.data(), piece.size(), sink);
        wire.clear();
        if (!engine.seal(plain, wire, false)) FUZZ_CHECK(engine.failed());
    }
    if (status == TlsEngine::Status::Failed) {
        FUZZ_CHECK(engine.failed());
        FUZZ_CHECK(!engine.error().empty());
        const char more[] = "\x16\x03\x01\x00\x01\x01";
        FUZZ_CHECK(engine.feed(more, sizeof more - 1, sink) == TlsEngine::Status::Failed);
    }
    plain = "goodbye";
    wire.clear();
    const bool sealed = engine.seal(plain, wire, true);
    FUZZ_CHECK(sealed || engine.failed());
    return 0;
}
