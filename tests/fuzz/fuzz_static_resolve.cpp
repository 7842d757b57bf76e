// Fuzz target: static_files::resolve_path, which must never yield a path outside the served root.
// Input layout (FuzzedDataProvider): the last byte picks the root and the dotfiles policy, the rest is the raw
// (still percent-encoded) request path. Invariants on Ok: the result is the root itself or starts with root + '/',
// and what follows holds no NUL, no empty, "." or ".." segment. Beyond that, the status and the path must equal
// those of a reference resolver written the slow, obvious way (decode, then walk a stack of segments).
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/url.h"
#include "duplex/static_files.h"
#include "static/resolve_path.h"

namespace {

using namespace duplex::detail;
using namespace duplex::detail::static_files;

struct Reference {
    ResolveStatus status;
    std::string path;
    bool wants_directory = false;
};

Reference reference_resolve(std::string_view root, std::string_view raw_path, Dotfiles dotfiles) {
    std::string decoded;
    if (percent_decode(raw_path, decoded, {}) != DecodeStatus::Ok || decoded.find('\0') != std::string::npos)
        return {ResolveStatus::BadRequest, {}};
    std::vector<std::string> stack;
    std::size_t start = 0;
    while (start <= decoded.size()) {
        const std::size_t slash = std::min(decoded.find('/', start), decoded.size());
        const std::string segment = decoded.substr(start, slash - start);
        start = slash + 1;
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (stack.empty()) return {ResolveStatus::Forbidden, {}};
            stack.pop_back();
            continue;
        }
        stack.push_back(segment);
    }
    for (const std::string& segment : stack) {
        if (segment.front() == '.' && dotfiles != Dotfiles::Allow)
            return {dotfiles == Dotfiles::Deny ? ResolveStatus::Forbidden : ResolveStatus::NotFound, {}};
    }
    std::string trimmed(root.empty() ? "." : root);
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    std::string path = trimmed == "/" ? "" : trimmed;
    for (const std::string& segment : stack) path += "/" + segment;
    if (path.empty()) path = "/";
    return {ResolveStatus::Ok, path, !decoded.empty() && decoded.back() == '/'};
}

// Checks of the result alone, as a reviewer would state them.
void check_confined(std::string_view root, std::string_view out) {
    std::string canonical_root(root.empty() ? "." : root);
    while (canonical_root.size() > 1 && canonical_root.back() == '/') canonical_root.pop_back();
    FUZZ_CHECK(out.find('\0') == std::string_view::npos);
    std::string_view relative;
    if (canonical_root == "/") {
        FUZZ_CHECK(!out.empty() && out.front() == '/');
        relative = out.substr(1);
    } else if (out != canonical_root) {
        FUZZ_CHECK(out.substr(0, canonical_root.size() + 1) == canonical_root + "/");
        relative = out.substr(canonical_root.size() + 1);
    }
    if (relative.empty()) return;
    std::size_t start = 0;
    while (start <= relative.size()) {
        const std::size_t slash = std::min(relative.find('/', start), relative.size());
        const std::string_view segment = relative.substr(start, slash - start);
        FUZZ_CHECK(!segment.empty() && segment != "." && segment != "..");
        start = slash + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr std::array<std::string_view, 7> roots = {"/srv/www", "/srv/www/", "/", "", ".", "rel/dir",
                                                              "/srv/../srv/www"};
    static constexpr std::array<Dotfiles, 3> policies = {Dotfiles::Ignore, Dotfiles::Deny, Dotfiles::Allow};
    FuzzedDataProvider provider(data, size);
    const auto selector = provider.ConsumeIntegral<std::uint8_t>();
    const std::string_view root = roots[selector % roots.size()];
    const Dotfiles dotfiles = policies[(selector / roots.size()) % policies.size()];
    const std::string raw_path = provider.ConsumeRemainingBytesAsString();

    std::string out = "stale";  // resolve_path must overwrite whatever the caller's buffer held
    const Resolved resolved = resolve_path(root, raw_path, dotfiles, out);
    const Reference expected = reference_resolve(root, raw_path, dotfiles);
    FUZZ_CHECK(resolved.status == expected.status);
    if (resolved.status != ResolveStatus::Ok) return 0;
    check_confined(root, out);
    FUZZ_CHECK(out == expected.path);
    FUZZ_CHECK(resolved.wants_directory == expected.wants_directory);
    return 0;
}
